// A JSON Schema drawn as a tree a person can read: one line per field with its type, whether it
// is required, its limits (enum, pattern, lengths, ranges, what the server expects) and its
// description; objects and arrays open into their fields with <details>, so the tree is
// collapsible by mouse and keyboard alike. Text goes in through textContent only.
import { el } from './dom.js';

/** Levels open when drawn: the body's own fields and one level below. */
const OPEN_DEPTH = 2;
/** An enum longer than this folds into its own <details>. */
const LONG_ENUM = 12;

const show = (value) => (typeof value === 'string' ? value : JSON.stringify(value));

/** `['string', 'null']` -> `string | null`; an array names its items' type. */
export function typeLabel(schema) {
  if (!schema || typeof schema !== 'object') return 'any';
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) {
    if (schema.properties) types.push('object');
    else if (schema.anyOf || schema.oneOf) return 'one of';
    else if (schema.const !== undefined) return `constant ${show(schema.const)}`;
    else return 'any';
  }
  return types.map((type) => (type === 'array' && schema.items ? `array of ${typeLabel(schema.items)}` : type)).join(' | ');
}

function range(min, max, unit) {
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${min}${unit}` : `${min} to ${max}${unit}`;
  if (min !== undefined) return `at least ${min}${unit}`;
  return `at most ${max}${unit}`;
}

/** Limits other than enum, as short phrases: "1 to 64 characters", "pattern ^[A-Z]+$". */
export function limitsOf(schema) {
  const limits = [];
  if (schema.minimum !== undefined || schema.maximum !== undefined) limits.push(range(schema.minimum, schema.maximum, ''));
  if (schema.exclusiveMinimum !== undefined) limits.push(`above ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined) limits.push(`below ${schema.exclusiveMaximum}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) limits.push(range(schema.minLength, schema.maxLength, ' characters'));
  if (schema.minItems !== undefined || schema.maxItems !== undefined) limits.push(range(schema.minItems, schema.maxItems, ' items'));
  if (schema.uniqueItems) limits.push('no duplicates');
  if (schema.format) limits.push(`format ${schema.format}`);
  if (schema.pattern) limits.push(`pattern ${schema.pattern}`);
  if (schema.const !== undefined && schema.type) limits.push(`always ${show(schema.const)}`);
  if (schema.default !== undefined) limits.push(`default ${show(schema.default)}`);
  if (schema['x-secret']) limits.push('secret: never echoed in errors');
  if (schema.additionalProperties === false && schema.properties) limits.push('no other keys');
  return limits;
}

/** The enum's values as code chips; a long list folds away. */
function enumView(values) {
  const chips = el('span', { class: 'docs-enum' }, ...values.map((value) => el('code', { class: 'docs-enum-value', text: show(value) })));
  if (values.length <= LONG_ENUM) return el('span', { class: 'docs-enum-line' }, el('span', { class: 'docs-label', text: 'one of ' }), chips);
  return el('details', { class: 'docs-enum-fold' }, el('summary', { text: `one of ${values.length} values` }), chips);
}

/** The line for one field: name, type, required, limits, what the server expects, description. */
function fieldLine(name, schema, required) {
  const line = el('span', { class: 'docs-field', dataset: { field: name } });
  line.append(el('code', { class: 'docs-field-name', text: name }));
  line.append(el('span', { class: 'docs-type', text: typeLabel(schema) }));
  if (required) line.append(el('span', { class: 'docs-required', text: 'required' }));
  for (const limit of limitsOf(schema)) line.append(el('span', { class: 'docs-limit', text: limit }));
  if (Array.isArray(schema.enum)) line.append(enumView(schema.enum));
  if (schema['x-expected']) line.append(el('span', { class: 'docs-expected', text: `expects ${schema['x-expected']}` }));
  if (schema.description) line.append(el('span', { class: 'docs-description', text: schema.description }));
  return line;
}

/**
 * The children of a schema as [name, schema, required] rows: an object's properties, an array's
 * items' fields (or the items themselves when they are not objects), the variants of anyOf/oneOf,
 * and a map's values (additionalProperties as a schema).
 */
export function childrenOf(schema) {
  if (!schema || typeof schema !== 'object') return [];
  const rows = [];
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) rows.push([name, property, required.has(name)]);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') rows.push(['{any key}', schema.additionalProperties, false]);
  for (const key of ['anyOf', 'oneOf']) {
    (schema[key] ?? []).forEach((variant, i) => rows.push([`variant ${i + 1}`, variant, false]));
  }
  if (schema.items && typeof schema.items === 'object') {
    const itemRows = childrenOf(schema.items);
    if (itemRows.length > 0) rows.push(...itemRows);
    else if (!schema.properties) rows.push(['[item]', schema.items, false]);
  }
  return rows;
}

function node(name, schema, required, depth) {
  const children = childrenOf(schema);
  const line = fieldLine(name, schema, required);
  if (children.length === 0) return el('li', { class: 'docs-node' }, el('div', { class: 'docs-leaf' }, line));
  return el('li', { class: 'docs-node' },
    el('details', { open: depth < OPEN_DEPTH }, el('summary', {}, line), list(children, depth + 1)));
}

function list(rows, depth) {
  return el('ul', { class: 'docs-tree' }, ...rows.map(([name, schema, required]) => node(name, schema, required, depth)));
}

/**
 * The tree of a body or response schema: its fields, or for a schema with none (a string, a
 * list of strings) one line for the schema itself.
 */
export function schemaTree(schema, rootName = 'body') {
  const rows = childrenOf(schema);
  const head = el('p', { class: 'docs-tree-head' }, fieldLine(rootName, schema ?? {}, false));
  if (rows.length === 0) return el('div', { class: 'docs-schema' }, head);
  return el('div', { class: 'docs-schema' }, head, list(rows, 0));
}
