/**
 * GET /api/schema/connector: the JSON Schema of one connector entry of a site file, built from
 * the zod schema the gateway validates with (config/site-schema.ts `connectorSchema`). The admin UI draws its
 * connector and tag forms from it and checks them before a push; the push itself is checked again
 * by the gateway, address syntax included.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { connectorSchema } from '../../../config/site-schema.ts';
import { apiErrorSchema } from '../api-errors.ts';

interface CheckDef {
  check: string;
  format?: string;
  error?: (issue: object) => unknown;
}

/**
 * The JSON Schema, with each regex's and list minimum's own message as `x-message` (JSON Schema has
 * no place for it), so the form can say "use letters, digits and . _ -" rather than "does not match".
 */
export function connectorJsonSchema(): object {
  return z.toJSONSchema(connectorSchema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const checks = ((zodSchema as unknown as { _zod: { def: { checks?: Array<{ _zod: { def: CheckDef } }> } } })._zod.def.checks ?? [])
        .map((check) => check._zod.def);
      const said = (def: CheckDef) => {
        const message = def.error?.({});
        return typeof message === 'string' ? message : undefined;
      };
      const pattern = checks.find((def) => def.check === 'string_format' && def.format === 'regex');
      const minItems = checks.find((def) => def.check === 'min_length' && jsonSchema.type === 'array');
      const message = (pattern && said(pattern)) ?? (minItems && said(minItems));
      if (message) jsonSchema['x-message'] = message;
    },
  });
}

export async function connectorSchemaRoute(app: FastifyInstance) {
  const document = connectorJsonSchema();
  app.get('/api/schema/connector', {
    config: { permission: 'telemetry.read' },
    schema: {
      summary: 'JSON Schema of one connector (one per protocol) as a site file and PUT /api/gateways/{group}/{edge}/config take it',
      response: {
        200: { type: 'object', additionalProperties: true, description: 'A JSON Schema (draft 2020-12): oneOf one object per protocol.' },
        401: apiErrorSchema,
        403: apiErrorSchema,
      },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    return document;
  });
}
