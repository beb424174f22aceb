/**
 * An OpenAPI 3.1 document assembled from the schemas the routes declare (collected with
 * Fastify's onRoute hook), so the document cannot drift from what is validated. 3.1 because
 * it takes JSON Schema as is, `type: [..., 'null']` included.
 */

/** What the onRoute hook keeps of each route. */
export interface RouteRecord {
  method: string;
  url: string;
  schema?: RouteSchema;
}

interface ObjectSchema {
  required?: readonly string[];
  properties?: Record<string, { description?: string }>;
}

export interface RouteSchema {
  summary?: string;
  description?: string;
  querystring?: ObjectSchema;
  params?: ObjectSchema;
  response?: Record<string, { description?: string; content?: unknown }>;
}

const STATUS_DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  304: 'Not modified',
  400: 'The request is invalid; the body names the field and the fix',
  404: 'Nothing matches',
};

/** `/ui/*` -> `/ui/{path}`, `/a/:id` -> `/a/{id}` */
function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{path}');
}

function parameters(schema: ObjectSchema | undefined, where: 'query' | 'path') {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name: where === 'path' && name === '*' ? 'path' : name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function responses(response: RouteSchema['response']) {
  return Object.fromEntries(Object.entries(response ?? {}).map(([status, schema]) => {
    if (schema.content) {
      return [status, { description: schema.description ?? STATUS_DESCRIPTIONS[status] ?? status, content: schema.content }];
    }
    const { description, ...rest } = schema;
    return [status, {
      description: description ?? STATUS_DESCRIPTIONS[status] ?? status,
      content: { 'application/json': { schema: rest } },
    }];
  }));
}

export function buildOpenApiDocument(routes: readonly RouteRecord[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.method === 'HEAD') continue; // Fastify adds HEAD for every GET
    const path = openApiPath(route.url);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      ...(route.schema?.summary ? { summary: route.schema.summary } : {}),
      ...(route.schema?.description ? { description: route.schema.description } : {}),
      parameters: [...parameters(route.schema?.params, 'path'), ...parameters(route.schema?.querystring, 'query')],
      responses: responses(route.schema?.response),
    };
  }
  return { openapi: '3.1.0', info, paths };
}
