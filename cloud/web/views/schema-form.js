// Form fields drawn from a JSON Schema (GET /api/schema/connector, built from the zod schemas the
// gateway validates with), reading back what was typed, and checking it against the same schema
// before anything is sent. Paths follow the server's problem paths: `connection.host`,
// `tags[3].address`, so a problem from either side lands next to its field.
import { el } from './dom.js';

const LARGEST_SAFE = Number.MAX_SAFE_INTEGER;

/** JSON with object keys sorted, so two configs compare equal whatever order their keys came in. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
  return value;
}

/** Whether two configuration values are the same, key order aside. */
export const sameValue = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** A child path in the server's notation. */
export const childPath = (path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** The property every variant of a oneOf fixes with `const` (protocol, transport, type), if any. */
function discriminatorOf(variants) {
  const [first] = variants;
  return Object.keys(first?.properties ?? {}).find((key) => variants.every((variant) => variant.properties?.[key]?.const !== undefined));
}

/** What kind of control a property schema needs; a lookup key for CONTROLS. */
function kindOf(schema) {
  if (schema.const !== undefined) return 'const';
  if (Array.isArray(schema.oneOf) && discriminatorOf(schema.oneOf)) return 'union';
  if (Array.isArray(schema.anyOf) && schema.anyOf.every((option) => option.const !== undefined)) return 'choice';
  if (Array.isArray(schema.enum)) return 'choice';
  if (schema.type === 'object') return 'object';
  if (schema.type === 'array') return 'array';
  if (schema.type === 'boolean') return 'boolean';
  if (schema.type === 'integer' || schema.type === 'number') return 'number';
  return 'text';
}

const choicesOf = (schema) => schema.enum ?? schema.anyOf.map((option) => option.const);

/** The variant of a oneOf whose discriminator equals `value`. */
export function variantOf(schema, value) {
  const key = discriminatorOf(schema.oneOf ?? []);
  return key ? schema.oneOf.find((variant) => variant.properties[key].const === value) : undefined;
}

/** The values a oneOf's discriminator can take: ['modbus', 's7', 'opcua'] for a connector. */
export function variantNames(schema) {
  const key = discriminatorOf(schema.oneOf ?? []);
  return key ? schema.oneOf.map((variant) => variant.properties[key].const) : [];
}

/** What to enter, in words: "a whole number from 10", "one of none, even, odd". */
export function expectation(schema) {
  const kind = kindOf(schema);
  if (kind === 'choice') return `one of ${choicesOf(schema).join(', ')}`;
  if (kind === 'number') {
    const noun = schema.type === 'integer' ? 'a whole number' : 'a number';
    const max = schema.maximum !== undefined && schema.maximum < LARGEST_SAFE ? schema.maximum : undefined;
    if (schema.minimum !== undefined && max !== undefined) return `${noun} from ${schema.minimum} to ${max}`;
    if (schema.minimum !== undefined) return `${noun} of at least ${schema.minimum}`;
    if (max !== undefined) return `${noun} of at most ${max}`;
    return noun;
  }
  if (kind === 'boolean') return 'yes or no';
  if (schema['x-message']) return `text (${schema['x-message']})`;
  return schema.maxLength ? `text of at most ${schema.maxLength} characters` : 'text';
}

// ---------------------------------------------------------------------------------------------
// Checking

/**
 * Every problem of `value` against `schema`, as `{ path, message }`, all at once (as the server
 * reports them). `message` does not repeat the path.
 */
export function validate(schema, value, path = '') {
  return CHECKS[kindOf(schema)](schema, value, path);
}

const shown = (value) => (typeof value === 'string' ? JSON.stringify(value) : String(value));
const problem = (path, message) => [{ path, message }];

const CHECKS = {
  const: (schema, value, path) => (value === schema.const ? [] : problem(path, `${shown(value)} must be ${shown(schema.const)}`)),
  union: (schema, value, path) => {
    const key = discriminatorOf(schema.oneOf);
    const variant = variantOf(schema, value?.[key]);
    if (!variant) return problem(childPath(path, key), `${shown(value?.[key])} is not known; choose one of ${variantNames(schema).join(', ')}`);
    return validate(variant, value, path);
  },
  choice: (schema, value, path) => (choicesOf(schema).includes(value) ? [] : problem(path, `${shown(value)} is not allowed; choose ${expectation(schema)}`)),
  boolean: (_schema, value, path) => (typeof value === 'boolean' ? [] : problem(path, `${shown(value)} is not yes or no`)),
  number: (schema, value, path) => {
    const wanted = `enter ${expectation(schema)}`;
    if (typeof value !== 'number' || !Number.isFinite(value)) return problem(path, `${shown(value)} is not a number; ${wanted}`);
    if (schema.type === 'integer' && !Number.isInteger(value)) return problem(path, `${value} is not a whole number; ${wanted}`);
    if (schema.minimum !== undefined && value < schema.minimum) return problem(path, `${value} is below the minimum ${schema.minimum}; ${wanted}`);
    if (schema.maximum !== undefined && value > schema.maximum) return problem(path, `${value} is above the maximum ${schema.maximum}; ${wanted}`);
    return [];
  },
  text: (schema, value, path) => {
    if (typeof value !== 'string') return problem(path, `${shown(value)} is not text`);
    if (schema.minLength && value.length < schema.minLength) return problem(path, 'is empty; enter a value');
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      return problem(path, `is ${value.length} characters long; use at most ${schema.maxLength}`);
    }
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) {
      return problem(path, `${shown(value)} is not allowed: ${schema['x-message'] ?? `it must match ${schema.pattern}`}`);
    }
    return [];
  },
  object: (schema, value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return problem(path, 'must be a group of settings');
    const properties = schema.properties ?? {};
    const problems = [];
    for (const key of schema.required ?? []) {
      if (value[key] === undefined) problems.push({ path: childPath(path, key), message: `is required; enter ${expectation(properties[key] ?? {})}` });
    }
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (!properties[key]) {
        if (schema.additionalProperties === false) problems.push({ path: childPath(path, key), message: `is not a setting of this kind; remove it (known: ${Object.keys(properties).join(', ')})` });
        continue;
      }
      problems.push(...validate(properties[key], item, childPath(path, key)));
    }
    return problems;
  },
  array: (schema, value, path) => {
    if (!Array.isArray(value)) return problem(path, 'must be a list');
    const problems = [];
    if (schema.minItems && value.length < schema.minItems) problems.push({ path, message: schema['x-message'] ?? `needs at least ${schema.minItems}` });
    value.forEach((item, i) => problems.push(...validate(schema.items ?? {}, item, childPath(path, i))));
    return problems;
  },
};

// ---------------------------------------------------------------------------------------------
// Controls: each is `{ node, read() }`; read() gives undefined for "not set" (the schema default applies).

/**
 * The input(s) for one property, without a label: for table cells and for `fieldFor`.
 * @param {object} schema the property's schema
 * @param {unknown} value the current value
 * @param {string} path e.g. `tags[2].address`
 * @param {{ disabled?: boolean, required?: boolean, name?: string, onChange?: () => void }} options
 */
export function controlFor(schema, value, path, options = {}) {
  return CONTROLS[kindOf(schema)](schema, value, path, options);
}

const inputProps = (path, options) => ({
  dataset: { path }, disabled: options.disabled, 'aria-label': options.name ?? path, on: options.onChange ? { change: options.onChange } : undefined,
});

const CONTROLS = {
  const: (schema) => ({ node: null, read: () => schema.const }),
  text: (schema, value, path, options) => {
    const secret = options.name === 'password';
    const input = el('input', {
      ...inputProps(path, options), type: secret ? 'password' : 'text', value: value ?? '', autocomplete: secret ? 'off' : undefined,
      spellcheck: 'false', placeholder: schema.default !== undefined ? String(schema.default) : undefined, maxlength: schema.maxLength,
    });
    return { node: input, read: () => (secret ? input.value : input.value.trim()) || undefined };
  },
  number: (schema, value, path, options) => {
    const input = el('input', {
      ...inputProps(path, options), type: 'text', inputmode: 'decimal', class: 'num', value: value ?? '',
      placeholder: schema.default !== undefined ? String(schema.default) : undefined,
    });
    return {
      node: input,
      read: () => {
        const text = input.value.trim();
        if (text === '') return undefined;
        // not a number: kept as text, so the check can say what was typed
        return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : text;
      },
    };
  },
  boolean: (schema, value, path, options) => {
    const input = el('input', { ...inputProps(path, options), type: 'checkbox', checked: value ?? schema.default ?? false });
    return { node: input, read: () => input.checked };
  },
  choice: (schema, value, path, options) => {
    const choices = choicesOf(schema);
    const unset = !options.required && schema.default === undefined;
    const select = el('select', inputProps(path, options),
      unset && el('option', { value: '', text: '(not set)' }),
      ...choices.map((choice, i) => el('option', { value: String(i), text: choice === schema.default ? `${choice} (default)` : String(choice) })));
    const current = choices.indexOf(value ?? schema.default);
    select.value = current >= 0 ? String(current) : unset ? '' : '0';
    return { node: select, read: () => (select.value === '' ? undefined : choices[Number(select.value)]) };
  },
  object: (schema, value, path, options) => {
    const fields = Object.entries(schema.properties ?? {})
      .map(([key, property]) => fieldFor(key, property, value?.[key], childPath(path, key), { ...options, required: schema.required?.includes(key) }));
    const node = el('div', { class: 'field-group', dataset: { group: path } }, ...fields.map((field) => field.node));
    return {
      node,
      read: () => {
        const result = {};
        fields.forEach((field) => { const item = field.read(); if (item !== undefined) result[field.key] = item; });
        return Object.keys(result).length || options.required ? result : undefined;
      },
    };
  },
  union: (schema, value, path, options) => {
    const key = discriminatorOf(schema.oneOf);
    const names = variantNames(schema);
    const select = el('select', { ...inputProps(childPath(path, key), options), 'aria-label': `${options.name ?? path} ${key}` },
      ...names.map((name) => el('option', { value: name, text: name })));
    select.value = names.includes(value?.[key]) ? value[key] : names[0];
    const body = el('div', { class: 'union-body' });
    let inner;
    const draw = (carried) => {
      inner = controlFor(variantOf(schema, select.value), carried, path, { ...options, required: true });
      body.replaceChildren(inner.node);
    };
    draw(value);
    // switching tcp <-> rtu keeps what the two have in common (port, host...)
    select.addEventListener('change', () => { draw({ ...inner.read(), [key]: select.value }); options.onChange?.(); });
    const node = el('div', { class: 'union' }, el('label', { class: 'field' }, el('span', { class: 'field-name', text: key }), select), body);
    return { node, read: () => inner.read() };
  },
  array: (_schema, value) => ({ node: null, read: () => value }), // lists (tags) have their own editor
};

/** Short help under a field, from the schema: default and range. */
function hintOf(schema) {
  const parts = [];
  if (schema.default !== undefined && typeof schema.default !== 'object') parts.push(`default ${schema.default}`);
  if (kindOf(schema) === 'number' && (schema.minimum !== undefined || schema.maximum < LARGEST_SAFE)) parts.push(expectation(schema));
  return parts.join(' · ');
}

/**
 * One labelled field (`key` as its name, as in the site file); objects become a fieldset, open
 * when required and folded (e.g. `reconnect`) when their defaults usually do.
 */
export function fieldFor(key, schema, value, path, options = {}) {
  const kind = kindOf(schema);
  const control = controlFor(schema, value, path, { ...options, name: key });
  if (!control.node) return { key, node: null, read: control.read };
  if (kind === 'object' || kind === 'union') {
    const legend = kind === 'object' && !options.required
      ? el('details', { class: 'field-set' }, el('summary', { text: key }), control.node)
      : el('fieldset', { class: 'field-set' }, el('legend', { text: key }), control.node);
    return { key, node: legend, read: control.read };
  }
  const node = el('label', { class: 'field', dataset: { field: key } },
    el('span', { class: 'field-name', text: options.required ? key : `${key} (optional)` }),
    control.node,
    hintOf(schema) ? el('span', { class: 'field-hint', text: hintOf(schema) }) : null,
    el('span', { class: 'field-problem', hidden: true }));
  return { key, node, read: control.read };
}

// ---------------------------------------------------------------------------------------------
// Showing problems

/**
 * Marks every field of `root` that has a problem (its input gets aria-invalid and the message
 * beside it) and returns the problems no field of `root` shows, for a list above the form.
 */
export function showProblems(root, problems) {
  for (const node of root.querySelectorAll('[aria-invalid="true"]')) node.removeAttribute('aria-invalid');
  for (const node of root.querySelectorAll('.field-problem')) { node.textContent = ''; node.hidden = true; }
  const unplaced = [];
  for (const item of problems) {
    const input = [...root.querySelectorAll('[data-path]')].find((node) => node.dataset.path === item.path);
    const slot = input?.closest('.field, td')?.querySelector('.field-problem');
    if (!input || !slot) { unplaced.push(item); continue; }
    input.setAttribute('aria-invalid', 'true');
    slot.textContent = slot.textContent ? `${slot.textContent} ${item.message}` : item.message;
    slot.hidden = false;
  }
  return unplaced;
}
