// The pack: one version's rules with their example results (pass, or the expected/produced
// diff), and a draft built from it: rules edited in the editor or added, saved as the next
// version (POST /api/rules/packs, needs rules.edit) with every problem the cloud finds listed.
import { el, setText } from './dom.js';
import { formatTime } from './format.js';
import { createPack, getPack } from './rules-client.js';
import { exampleItem } from './rules-examples.js';
import { stageBadge } from './rules-stage.js';

/** A rule as the API takes it back: the detail answer adds `inputs`, which is not part of the source. */
const sourceOf = ({ id, title, en, zh, examples }) => ({ id, ...(title ? { title } : {}), ...(en ? { en } : {}), ...(zh ? { zh } : {}), examples: examples ?? [] });
const sameRule = (a, b) => JSON.stringify(sourceOf(a)) === JSON.stringify(sourceOf(b));

/**
 * @param {{ me: { permissions: string[] }, editor: ReturnType<import('./rules-editor.js').createRuleEditor>, onSaved: (version: number) => void }} options
 */
export function createPackPanel({ me, editor, onSaved }) {
  const canEdit = me.permissions.includes('rules.edit');
  const heading = el('div', { class: 'pack-heading', id: 'pack-heading' });
  const rulesBody = el('tbody', { id: 'pack-rules' });
  const status = el('p', { class: 'hint', id: 'pack-status', role: 'status' });

  const ruleId = el('input', { type: 'text', id: 'draft-rule-id', maxlength: '64', pattern: '[a-z][a-z0-9\\-]{0,63}', placeholder: 'e.g. remnant-weight-f1', spellcheck: 'false', autocomplete: 'off', list: 'draft-rule-ids' });
  const ids = el('datalist', { id: 'draft-rule-ids' });
  const ruleTitle = el('input', { type: 'text', id: 'draft-rule-title', maxlength: '200', placeholder: 'What it is for, in a few words (optional)' });
  const examples = el('textarea', { id: 'draft-rule-examples', rows: '6', spellcheck: 'false', 'aria-label': 'Examples of the rule as JSON' });
  examples.value = '[]';
  const put = el('button', { type: 'button', class: 'primary', id: 'draft-put', text: 'Put the editor\'s rule into the draft' });
  const putReason = el('span', { class: 'release-reason', id: 'draft-put-reason' });
  const draftBody = el('tbody', { id: 'draft-rules' });
  const save = el('button', { type: 'button', class: 'primary', id: 'draft-save', text: 'Save as a new version' });
  const saveReason = el('span', { class: 'release-reason', id: 'draft-save-reason' });
  const saveStatus = el('p', { class: 'hint', id: 'draft-status', role: 'status', 'aria-live': 'polite' });
  const saveProblems = el('ul', { class: 'form-problems', id: 'draft-problems', role: 'alert', hidden: true });

  const element = el('div', { class: 'rules-pack' },
    heading, status,
    el('table', { class: 'readings pack-rules' },
      el('thead', {}, el('tr', {}, el('th', { text: 'Rule' }), el('th', { text: 'Text (English / 中文)' }), el('th', { text: 'Examples' }), el('th', { text: '' }))),
      rulesBody),
    el('h4', { text: 'Draft of the next version' }),
    el('p', { class: 'hint', text: 'Open a rule above in the editor, or write a new one; when it compiles, give its id and put it into the draft. The language you typed keeps your words, the other gets the canonical rendering. Save the draft as a new version: it starts at sandbox with its examples run.' }),
    el('div', { class: 'draft-form' },
      el('label', { class: 'field field-short' }, el('span', { class: 'field-name', text: 'Rule id' }), ruleId, ids),
      el('label', { class: 'field' }, el('span', { class: 'field-name', text: 'Title' }), ruleTitle),
      el('details', { class: 'draft-examples' }, el('summary', { text: 'Examples (JSON, as in a *.rules.yaml file)' }), examples),
      el('p', { class: 'actions' }, put, putReason)),
    el('table', { class: 'readings draft-rules' },
      el('thead', {}, el('tr', {}, el('th', { text: 'Rule' }), el('th', { text: 'Change' }), el('th', { text: 'Text (English / 中文)' }), el('th', { text: '' }))),
      draftBody),
    el('p', { class: 'actions' }, save, saveReason), saveStatus, saveProblems);

  /** The version shown, as GET /api/rules/packs/:version answers it. */
  let shown = null;
  /** The draft's rules, in order; `removed` ones are kept to show and restore. */
  let draft = [];

  const textCell = (rule) => el('td', { class: 'rule-texts' },
    rule.en ? el('p', { class: 'rule-text', lang: 'en', text: rule.en }) : null,
    rule.zh ? el('p', { class: 'rule-text', lang: 'zh', text: rule.zh }) : null);

  function renderShown() {
    const passed = shown.examples.filter((e) => e.passed).length;
    heading.replaceChildren(
      el('span', { class: 'pack-name', text: `${shown.pack} · version ${shown.version}` }), ' ', stageBadge(shown.stage), ' ',
      el('span', { class: 'muted', text: `by ${shown.createdBy}, ${formatTime(shown.createdAt)} · examples ${passed} of ${shown.examples.length} pass` }));
    rulesBody.replaceChildren(...shown.rules.map((rule) => {
      const results = shown.examples.filter((e) => e.rule === rule.id);
      const expectOf = (name) => rule.examples?.find((x) => x.name === name)?.expect;
      return el('tr', { dataset: { rule: rule.id } },
        el('td', {}, el('code', { text: rule.id }), rule.title ? el('div', { class: 'muted', text: rule.title }) : null),
        textCell(rule),
        el('td', {}, results.length
          ? el('ul', { class: 'example-results' }, ...results.map((r) => exampleItem(r, expectOf(r.name))))
          : el('span', { class: 'muted', text: 'no examples' })),
        el('td', {}, el('button', { type: 'button', class: 'small', text: 'Edit', dataset: { action: 'edit' }, on: { click: () => openInEditor(rule) } })));
    }));
  }

  function openInEditor(rule) {
    const current = draft.find((d) => d.rule.id === rule.id)?.rule ?? rule;
    ruleId.value = current.id;
    ruleTitle.value = current.title ?? '';
    examples.value = JSON.stringify(current.examples ?? [], null, 2);
    editor.setText(current.en ?? current.zh ?? '');
    editor.element.querySelector('textarea').focus();
  }

  function changeOf(entry) {
    if (entry.removed) return 'removed';
    const base = shown?.rules.find((r) => r.id === entry.rule.id);
    if (!base) return 'new';
    return sameRule(base, entry.rule) ? 'unchanged' : 'changed';
  }

  function renderDraft() {
    ids.replaceChildren(...draft.map((d) => el('option', { value: d.rule.id })));
    draftBody.replaceChildren(...draft.map((entry) => {
      const change = changeOf(entry);
      const toggle = el('button', {
        type: 'button', class: 'small', text: entry.removed ? 'Restore' : 'Remove', dataset: { action: entry.removed ? 'restore' : 'remove' },
        on: { click: () => { entry.removed = !entry.removed; renderDraft(); } },
      });
      return el('tr', { class: `draft-${change}`, dataset: { rule: entry.rule.id, change } },
        el('td', {}, el('code', { text: entry.rule.id })),
        el('td', {}, el('span', { class: `change-badge change-${change}`, text: change })),
        textCell(entry.rule), el('td', {}, toggle));
    }));
    updateButtons();
  }

  function putReasonText() {
    if (!canEdit) return 'Your role does not hold rules.edit.';
    if (!shown) return 'No pack version loaded.';
    const { text, answer } = editor.latest;
    if (!answer || text !== editor.text) return 'Type a rule in the editor first.';
    if (!answer.ok) return 'The rule in the editor has problems; fix them first.';
    if (!/^[a-z][a-z0-9-]{0,63}$/u.test(ruleId.value)) return 'Give the rule an id: lower-case letters, digits and -, e.g. remnant-weight-f1.';
    return '';
  }

  function saveReasonText() {
    if (!canEdit) return 'Your role does not hold rules.edit.';
    if (!shown) return 'No pack version loaded.';
    if (!draft.some((d) => changeOf(d) !== 'unchanged')) return 'The draft is the same as the version shown; change a rule first.';
    if (!draft.some((d) => !d.removed)) return 'A pack needs at least one rule.';
    return '';
  }

  function updateButtons() {
    for (const [button, reasonNode, reason] of [[put, putReason, putReasonText()], [save, saveReason, saveReasonText()]]) {
      button.disabled = reason !== '';
      button.title = reason;
      setText(reasonNode, reason);
    }
  }

  put.addEventListener('click', () => {
    if (putReasonText()) return updateButtons();
    let parsedExamples;
    try {
      parsedExamples = JSON.parse(examples.value || '[]');
      if (!Array.isArray(parsedExamples)) throw new Error(`expected a list [ … ], found ${typeof parsedExamples}`);
    } catch (error) {
      setText(saveStatus, `The examples are not valid JSON: ${error.message}. Write a list of examples, or [] for none.`);
      return;
    }
    const { text, answer } = editor.latest;
    const typed = answer.lang === 'zh' ? 'zh' : 'en';
    const other = typed === 'en' ? 'zh' : 'en';
    const rule = sourceOf({ id: ruleId.value, title: ruleTitle.value.trim(), [typed]: text.trim(), [other]: answer.text[other], examples: parsedExamples });
    const at = draft.findIndex((d) => d.rule.id === rule.id);
    if (at >= 0) draft[at] = { rule, removed: false };
    else draft.push({ rule, removed: false });
    setText(saveStatus, `${rule.id} is in the draft (${changeOf(draft[at >= 0 ? at : draft.length - 1])}).`);
    renderDraft();
  });

  save.addEventListener('click', async () => {
    if (saveReasonText()) return updateButtons();
    save.disabled = true;
    saveProblems.hidden = true;
    setText(saveStatus, 'Saving… (the cloud compiles every rule and runs its examples)');
    const kept = draft.filter((d) => !d.removed).map((d) => d.rule);
    const answer = await createPack({ pack: shown.pack, rules: kept, ...(Object.keys(shown.facts ?? {}).length ? { facts: shown.facts } : {}) });
    if (!answer.ok) {
      updateButtons();
      setText(saveStatus, `Not saved: ${answer.message}`);
      const problems = answer.body?.problems ?? [];
      saveProblems.replaceChildren(...problems.map((p) => {
        const [, index, lang] = /^rules\.(\d+)(?:\.(\w+))?/u.exec(p.path) ?? [];
        const rule = index === undefined ? null : kept[Number(index)];
        const where = rule ? `${rule.id}${lang ? ` (${lang === 'zh' ? '中文' : lang === 'en' ? 'English' : lang})` : ''}` : p.path;
        return el('li', { dataset: { path: p.path } }, el('code', { text: where }), ` ${p.message}`);
      }));
      saveProblems.hidden = problems.length === 0;
      return;
    }
    const created = answer.body;
    const passed = created.examples.filter((e) => e.passed).length;
    setText(saveStatus, `Saved as version ${created.version} (${created.stage}): ${passed} of ${created.examples.length} examples pass${created.examplesPassed ? '' : '; it cannot be promoted until they all do'}.`);
    show(created);
    onSaved(created.version);
  });

  ruleId.addEventListener('input', updateButtons);
  for (const [node, text] of [[ruleId, 'Rule id'], [ruleTitle, 'Rule title']]) node.setAttribute('aria-label', text);

  /** Shows a version (its detail answer) and starts a fresh draft from it. */
  function show(detail) {
    shown = detail;
    draft = detail.rules.map((rule) => ({ rule: sourceOf(rule), removed: false }));
    renderShown();
    renderDraft();
  }

  return {
    element,
    /** The editor's answer changed: whether the rule can go into the draft may have too. */
    editorChanged: updateButtons,
    get version() { return shown?.version ?? null; },
    /** Loads and shows a version; keeps the saved-draft status so a save's outcome stays readable. */
    async load(version) {
      if (version === null || version === undefined) {
        setText(status, 'No rule pack version yet: the first one is created from the config\'s seed pack.');
        return;
      }
      const answer = await getPack(version);
      if (!answer.ok) {
        setText(status, `Cannot load version ${version}: ${answer.message}`);
        return;
      }
      setText(status, '');
      show(answer.body);
    },
  };
}
