// The API reference page's model: the OpenAPI document's operations as a flat list, each placed in
// a section by its path prefix, and the filter that narrows them. No DOM here, so the rules read
// as tables and the page script only draws.

/** Sections by the path segment after /api/; the order is the page's. */
const SECTIONS = [
  { id: 'inventory', title: 'Inventory', prefixes: ['inventory'] },
  { id: 'fusion', title: 'Fusion', prefixes: ['fusion'] },
  { id: 'tooling', title: 'Tooling and schedule', prefixes: ['tooling'] },
  { id: 'scans', title: 'Scans, shelves and lots', prefixes: ['scans', 'shelves', 'lots', 'maintenance-tickets'] },
  { id: 'master-data', title: 'Master data', prefixes: ['master-data'] },
  { id: 'devices', title: 'Scanner devices', prefixes: ['devices'] },
  { id: 'rules', title: 'Rules', prefixes: ['rules', 'purchasing'] },
  { id: 'gateways', title: 'Gateways and telemetry', prefixes: ['gateways', 'telemetry', 'schema', 'tia-import'] },
  { id: 'access', title: 'Sessions, accounts and access', prefixes: ['session', 'tokens', 'users', 'permissions', 'audit'] },
  { id: 'service', title: 'Service', prefixes: ['health', 'openapi.json'] },
];
const PAGES = { id: 'pages', title: 'Pages and files (HTML, scripts)' };

const sectionByPrefix = new Map(SECTIONS.flatMap((section) => section.prefixes.map((prefix) => [prefix, section])));

/** OpenAPI's operation keys, in the order a reader expects them. */
export const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'];

/**
 * The section a path belongs to; a prefix no table row names gets a section of its own, so a new
 * route plugin shows up without a change here.
 */
export function sectionOf(path) {
  const match = /^\/api\/([^/{]+)/.exec(path);
  if (!match) return PAGES;
  return sectionByPrefix.get(match[1]) ?? { id: `api-${match[1]}`, title: `/api/${match[1]}` };
}

/** `POST /api/inventory/moves/{id}` -> `op-post-api-inventory-moves-id`: a stable anchor. */
export function operationAnchor(method, path) {
  return `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

/**
 * The document's operations grouped in sections, in table order (own sections after, pages last);
 * within a section by path, then method.
 */
export function sectionsOf(document) {
  const bySection = new Map();
  for (const [path, item] of Object.entries(document?.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (!operation) continue;
      const section = sectionOf(path);
      if (!bySection.has(section.id)) bySection.set(section.id, { ...section, operations: [] });
      bySection.get(section.id).operations.push({ method, path, operation, anchor: operationAnchor(method, path) });
    }
  }
  const rank = (id) => {
    if (id === PAGES.id) return SECTIONS.length + 2;
    const index = SECTIONS.findIndex((section) => section.id === id);
    return index === -1 ? SECTIONS.length + 1 : index;
  };
  const sections = [...bySection.values()].sort((a, b) => rank(a.id) - rank(b.id) || a.title.localeCompare(b.title));
  for (const section of sections) {
    section.operations.sort((a, b) => a.path.localeCompare(b.path) || METHODS.indexOf(a.method) - METHODS.indexOf(b.method));
  }
  return sections;
}

/** The words the filter box searches in: method, path, summary, description and permission. */
function searchText({ method, path, operation }) {
  return [method, path, operation.summary, operation.description, operation['x-permission']].filter(Boolean).join(' ').toLowerCase();
}

/**
 * Whether an operation passes the filter: `method` ('' for any) must be its method, and every
 * word of `text` must occur in its method, path, summary, description or permission.
 */
export function matchesFilter(entry, { text = '', method = '' }) {
  if (method && entry.method !== method) return false;
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = searchText(entry);
  return words.every((word) => haystack.includes(word));
}

/** How the page names who may call an operation. */
export function permissionLabel(permission) {
  if (permission === 'public') return 'public: no login needed';
  if (permission === 'authenticated') return 'any logged-in user';
  if (!permission) return 'not declared';
  return permission;
}

/** The first JSON error body (status 4xx/5xx) in the document: the shape every error answer shares. */
export function errorBodySchema(document) {
  for (const item of Object.values(document?.paths ?? {})) {
    for (const method of METHODS) {
      for (const [status, response] of Object.entries(item?.[method]?.responses ?? {})) {
        const schema = response?.content?.['application/json']?.schema;
        if (Number(status) >= 400 && isErrorBody(schema)) return schema;
      }
    }
  }
  return null;
}

/** A schema is the shared error body when it requires error, field and message. */
export function isErrorBody(schema) {
  const required = schema?.required ?? [];
  return ['error', 'field', 'message'].every((name) => required.includes(name));
}
