/**
 * Fastify's request validators, one Ajv per kind of input. Fastify shares one Ajv that coerces
 * types, which suits the querystring, path parameters and headers (text on the wire: `limit=5`
 * must become 5), but not a JSON body, which already says what it means: `{"username": 5}` is a
 * number, and silently storing the text "5" hides a client's bug. So bodies are validated
 * without coercion and everything else with Fastify's defaults; both get the same options
 * otherwise (app.ts: no removal of unknown keys, the query vocabulary).
 *
 * Because this replaces Fastify's factory, Fastify no longer lower-cases the property names of
 * `headers` schemas: write them in lower case.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';

/** Fastify's `ajv` server option as it hands it on (customOptions, plugins, onCreate); only customOptions is touched here. */
type AjvServerOptions = { customOptions?: Record<string, unknown> } & Record<string, unknown>;
type ExternalSchemas = Record<string, unknown>;
type RouteValidatorCompiler = FastifySchemaCompiler<unknown>;
/** How @fastify/ajv-compiler's pool is called at run time (its .d.ts declares a different compile signature). */
type CompilerPool = (externalSchemas: ExternalSchemas, options: AjvServerOptions) => RouteValidatorCompiler;

type ValidatorFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>;

/** For `schemaController.compilersFactory.buildValidator`. */
export function bodyStrictValidatorFactory(): ValidatorFactory {
  // One pool per app: it keeps one Ajv per distinct option set and shared-schema set.
  const pool = AjvCompiler() as unknown as CompilerPool;
  const factory = (externalSchemas: ExternalSchemas, options: AjvServerOptions): RouteValidatorCompiler => {
    const coercing = pool(externalSchemas, options);
    // allowUnionTypes: a body field may take e.g. a number or a boolean (a tag value); without
    // coercion Ajv's strict mode would otherwise warn about every such `type: [...]`.
    const strict = pool(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false, allowUnionTypes: true } });
    return (route) => (route.httpPart === 'body' ? strict : coercing)(route);
  };
  return factory as unknown as ValidatorFactory;
}
