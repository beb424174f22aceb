// One operation of the API reference page: method, path, summary and the permission it needs as
// the heading of a collapsible block; inside, its description, parameters, request body and each
// response with its schema tree. Error answers point at the one error body shape shown at the top
// rather than repeating it under every operation.
import { el } from './dom.js';
import { isErrorBody, permissionLabel } from './docs-operations.js';
import { limitsOf, schemaTree, typeLabel } from './docs-schema-tree.js';

function parametersTable(parameters) {
  const rows = parameters.map((parameter) => {
    const schema = parameter.schema ?? {};
    const limits = [...limitsOf(schema)];
    if (Array.isArray(schema.enum)) limits.unshift(`one of ${schema.enum.join(', ')}`);
    return el('tr', { dataset: { param: parameter.name } },
      el('td', {}, el('code', { text: parameter.name })),
      el('td', { text: parameter.in }),
      el('td', { text: typeLabel(schema) }),
      el('td', { text: parameter.required ? 'yes' : 'no' }),
      el('td', {}, ...limits.map((limit) => el('span', { class: 'docs-limit', text: limit })),
        schema['x-expected'] ? el('span', { class: 'docs-expected', text: `expects ${schema['x-expected']}` }) : null),
      el('td', { text: parameter.description ?? '' }));
  });
  return el('table', { class: 'readings docs-params' },
    el('thead', {}, el('tr', {}, ...['Name', 'In', 'Type', 'Required', 'Limits', 'Description'].map((text) => el('th', { scope: 'col', text })))),
    el('tbody', {}, ...rows));
}

/** One response: status and description, then per content type its schema tree or its media type. */
function responseView(status, response) {
  const block = el('div', { class: 'docs-response', dataset: { status } },
    el('h6', {}, el('span', { class: `docs-status docs-status-${status[0]}xx`, text: status }), ` ${response.description ?? ''}`));
  for (const [type, media] of Object.entries(response.content ?? {})) {
    if (type === 'application/json' && isErrorBody(media.schema)) {
      block.append(el('p', { class: 'docs-error-ref' }, 'Body: ', el('a', { href: '#docs-errors', text: 'the error body' }), ` (${type}).`));
    } else if (type === 'application/json') {
      block.append(schemaTree(media.schema, 'body'));
    } else {
      block.append(el('p', { class: 'docs-media' }, el('code', { text: type }), `: ${typeLabel(media.schema)}`));
    }
  }
  return block;
}

/**
 * The collapsible block of one operation (`entry` from sectionsOf). Its heading carries method,
 * path, summary and permission, so a closed block still says who may call what.
 */
export function operationView({ method, path, operation, anchor }) {
  const permission = operation['x-permission'];
  const heading = el('h4', { class: 'docs-op-heading' },
    el('span', { class: `docs-method docs-method-${method}`, text: method.toUpperCase() }),
    el('code', { class: 'docs-path', text: path }),
    el('span', { class: 'docs-summary', text: operation.summary ?? '' }),
    el('span', { class: 'docs-permission', title: 'Permission needed', dataset: { permission: permission ?? '' }, text: permissionLabel(permission) }));

  const body = el('div', { class: 'docs-op-body' });
  if (operation.description) body.append(el('p', { class: 'docs-op-description', text: operation.description }));
  const parameters = operation.parameters ?? [];
  if (parameters.length > 0) body.append(el('h5', { text: 'Parameters' }), parametersTable(parameters));
  const requestSchema = operation.requestBody?.content?.['application/json']?.schema;
  if (requestSchema) {
    body.append(el('h5', { text: 'Request body (application/json)' }));
    body.append(el('div', { class: 'docs-request' }, schemaTree(requestSchema, 'body')));
  }
  const responses = Object.entries(operation.responses ?? {});
  if (responses.length > 0) {
    body.append(el('h5', { text: 'Responses' }), el('div', { class: 'docs-responses' }, ...responses.map(([status, response]) => responseView(status, response))));
  }

  return el('details', { class: 'docs-op', id: anchor, dataset: { method, path } }, el('summary', {}, heading), body);
}
