/**
 * An OpenAPI 3.1 document assembled from the schemas the routes declare (collected with
 * Fastify's onRoute hook), so the document cannot drift from what is validated. 3.1 because
 * it takes JSON Schema as is, `type: [..., 'null']` included.
 */

declare module 'fastify' {
  /** Route schemas carry their OpenAPI summary and description. */
  interface FastifySchema {
    summary?: string;
    description?: string;
  }
}

/** What the onRoute hook keeps of each route. */
export interface RouteRecord {
  method: string;
  url: string;
  schema?: RouteSchema;
  /** Who may call it: 'public', 'authenticated' or a permission id (config.permission). */
  permission?: string;
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
  body?: unknown;
  response?: Record<string, { description?: string; content?: unknown }>;
}

const STATUS_DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  304: 'Not modified',
  201: 'Created',
  204: 'Done, nothing to return',
  302: 'Redirect',
  400: 'The request is invalid; the body names the field and the fix',
  401: 'Not logged in: no valid session cookie or API token',
  403: 'Logged in, but the role or token lacks the permission (or the CSRF token is missing)',
  404: 'Nothing matches',
  409: 'Clashes with what exists',
  415: 'The body is not JSON',
  429: 'Too many failed logins',
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
      'x-permission': route.permission,
      parameters: [...parameters(route.schema?.params, 'path'), ...parameters(route.schema?.querystring, 'query')],
      ...(route.schema?.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.schema.body } } } } : {}),
      responses: responses(route.schema?.response),
    };
  }
  return { openapi: '3.1.0', info, paths };
}
