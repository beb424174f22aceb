// The factor sandbox's form: one row per factor with the fields its kind has (the factor schema
// of cloud/forecasting/factor-model.ts), rows added and removed freely, and the API's refusal
// shown beside the input it names (`factors.2.multiplier` -> row 3's multiplier). The form only
// collects what was typed; the API checks it, so the rules live in one place.
import { el, setText } from './dom.js';

/** Kind -> what a planner sees and the fields the kind takes (beside `name`), with new-row defaults. */
export const FACTOR_KINDS = {
  'spring-festival-decay': {
    label: 'Spring Festival decay',
    fields: [
      { key: 'daysBefore', label: 'Days before New Year', type: 'integer', initial: 21 },
      { key: 'multiplier', label: 'Multiplier', type: 'number', initial: 0.85 },
    ],
  },
  holiday: {
    label: 'Public holiday',
    fields: [
      { key: 'country', label: 'Country', type: 'choice', choices: ['CN', 'US'], initial: 'CN' },
      { key: 'holiday', label: 'Holiday (blank: all)', type: 'text', optional: true },
      { key: 'multiplier', label: 'Multiplier', type: 'number', initial: 1.2 },
    ],
  },
  'promotion-uplift': {
    label: 'Promotion uplift',
    fields: [
      { key: 'promotion', label: 'Promotion (blank: any)', type: 'text', optional: true },
      { key: 'multiplier', label: 'Multiplier', type: 'number', initial: 1.3 },
    ],
  },
  'event-effect': {
    label: 'Event effect',
    fields: [
      { key: 'event', label: 'Event (blank: any)', type: 'text', optional: true },
      { key: 'multiplier', label: 'Multiplier', type: 'number', initial: 1.1 },
    ],
  },
  'near-expiry': {
    label: 'Near-expiry de-weighting',
    fields: [
      { key: 'withinDays', label: 'Within days of expiry', type: 'integer', initial: 7 },
      { key: 'multiplier', label: 'Multiplier', type: 'number', initial: 0.5 },
    ],
  },
  'supplier-reliability': {
    label: 'Supplier reliability',
    fields: [
      { key: 'supplier', label: 'Supplier', type: 'text', initial: '' },
      { key: 'onTimeInFullRate', label: 'On time in full (0-1]', type: 'number', initial: 0.9 },
    ],
  },
};

/** "x0.85 on the 21 days before New Year": a factor's parameters in words, for read-only lists. */
export function describeFactor(factor) {
  const kind = FACTOR_KINDS[factor.kind];
  if (!kind) return JSON.stringify(factor);
  return kind.fields
    .filter((field) => factor[field.key] !== undefined)
    .map((field) => `${field.label.replace(/ \(.*\)$/, '')}: ${factor[field.key]}`)
    .join(' · ');
}

const inputFor = (field, value) => {
  if (field.type === 'choice') {
    const select = el('select', { name: field.key }, ...field.choices.map((choice) => el('option', { value: choice, text: choice })));
    select.value = value ?? field.initial;
    return select;
  }
  const numeric = field.type !== 'text';
  const input = el('input', {
    name: field.key, type: numeric ? 'number' : 'text', class: numeric ? 'num' : null, step: field.type === 'integer' ? '1' : 'any',
    inputmode: numeric ? 'decimal' : null, autocomplete: 'off', spellcheck: 'false', maxlength: numeric ? null : 80,
  });
  input.value = value === undefined || value === null ? '' : String(value);
  return input;
};

export class FactorEditor {
  /**
   * @param {HTMLElement} container
   * @param {{ onChange?: () => void }} [options] called on every edit (the panel marks the sandbox unsaved)
   */
  constructor(container, { onChange = () => {} } = {}) {
    this.onChange = onChange;
    this.rows = [];
    this.body = el('div', { class: 'factor-rows', id: 'factor-rows' });
    this.problem = el('p', { class: 'field-problem', id: 'factor-set-problem', role: 'alert' });
    this.kindPicker = el('select', { id: 'factor-add-kind', 'aria-label': 'Kind of factor to add' },
      ...Object.entries(FACTOR_KINDS).map(([value, kind]) => el('option', { value, text: kind.label })));
    this.element = el('div', { class: 'factor-editor' },
      this.body,
      this.problem,
      el('p', { class: 'factor-add' }, this.kindPicker, ' ',
        el('button', { type: 'button', class: 'secondary', id: 'factor-add', text: 'Add factor', on: { click: () => this.add(this.kindPicker.value) } })));
    container.append(this.element);
  }

  /** Shows `factors` (a FactorSet's list) as rows to edit. */
  load(factors) {
    this.rows = [];
    this.body.replaceChildren();
    for (const factor of factors) this.addRow(factor);
    this.renumber();
  }

  add(kind) {
    const fields = Object.fromEntries(FACTOR_KINDS[kind].fields.filter((f) => !f.optional).map((f) => [f.key, f.initial]));
    const row = this.addRow({ kind, name: this.freeName(FACTOR_KINDS[kind].label.toLowerCase()), ...fields });
    this.renumber();
    row.inputs.name.focus();
    this.onChange();
  }

  freeName(base) {
    const taken = new Set(this.rows.map((row) => row.inputs.name.value.trim()));
    if (!taken.has(base)) return base;
    let n = 2;
    while (taken.has(`${base} ${n}`)) n += 1;
    return `${base} ${n}`;
  }

  addRow(factor) {
    const kind = FACTOR_KINDS[factor.kind];
    const fields = [{ key: 'name', label: 'Name', type: 'text' }, ...kind.fields];
    const inputs = Object.fromEntries(fields.map((field) => [field.key, inputFor(field, factor[field.key])]));
    const problems = Object.fromEntries(fields.map((field) => [field.key, el('span', { class: 'field-problem', dataset: { for: field.key }, role: 'alert' })]));
    const heading = el('span', { class: 'factor-kind', text: kind.label });
    const remove = el('button', { type: 'button', class: 'small danger', text: 'Remove', dataset: { action: 'remove' } });
    const element = el('fieldset', { class: 'factor-row', dataset: { kind: factor.kind } },
      el('legend', {}, heading),
      ...fields.map((field) => el('label', { class: `factor-field factor-${field.key}` }, field.label, inputs[field.key], problems[field.key])),
      remove);
    const row = { kind: factor.kind, fields, inputs, problems, element, heading };
    remove.addEventListener('click', () => {
      this.rows = this.rows.filter((other) => other !== row);
      element.remove();
      this.renumber();
      this.onChange();
    });
    element.addEventListener('input', () => this.onChange());
    this.rows.push(row);
    this.body.append(element);
    return row;
  }

  /** Rows carry their index (`data-index`), the same the API's `factors.<i>` names. */
  renumber() {
    this.rows.forEach((row, index) => {
      row.element.dataset.index = String(index);
      row.element.setAttribute('aria-label', `Factor ${index + 1}: ${FACTOR_KINDS[row.kind].label}`);
    });
  }

  /** The factor set as typed: blank optional text left out, numbers as numbers (blank: left out, so the API names it). */
  value() {
    return {
      factors: this.rows.map((row) => {
        const factor = { kind: row.kind };
        for (const field of row.fields) {
          const raw = row.inputs[field.key].value.trim();
          if (raw === '') continue;
          factor[field.key] = field.type === 'integer' || field.type === 'number' ? Number(raw) : raw;
        }
        return factor;
      }),
    };
  }

  clearProblems() {
    setText(this.problem, '');
    for (const row of this.rows) {
      for (const [key, problem] of Object.entries(row.problems)) {
        setText(problem, '');
        row.inputs[key].removeAttribute('aria-invalid');
      }
    }
  }

  /**
   * Puts the API's words beside the input `field` names (`factors.2.multiplier`); returns whether
   * it found that input (otherwise the words go under the rows).
   */
  showProblem(field, message) {
    const match = /^factors\.(\d+)\.(\w+)/.exec(field ?? '');
    const row = match ? this.rows[Number(match[1])] : undefined;
    const key = match?.[2];
    if (row && key && row.problems[key]) {
      setText(row.problems[key], message);
      row.inputs[key].setAttribute('aria-invalid', 'true');
      row.inputs[key].focus();
      return true;
    }
    setText(this.problem, message);
    return false;
  }
}
