// The glossary beside the editor (GET /api/rules/glossary): the site's terms and the names actions
// use, searchable in English, Chinese, by id or by tag; a click inserts the phrase into the rule.
import { el, setText } from './dom.js';
import { getGlossary } from './rules-client.js';

/**
 * How each vocabulary is written in a rule (docs/rule-language.md): items, flows and
 * recommendations are quoted names ("electrode cap", "re-melt"); roles and operations are plain
 * words (alert QA, block put-away).
 */
const VOCABULARIES = [
  { kind: 'roles', label: 'Roles (alert …)', quoted: false },
  { kind: 'items', label: 'Spare parts (request spare part "…")', quoted: true },
  { kind: 'operations', label: 'Operations (block … at …)', quoted: false },
  { kind: 'flows', label: 'Approval flows (start approval "…")', quoted: true },
  { kind: 'recommendations', label: 'Recommendations (recommend "…")', quoted: true },
];

const sourceText = (term) => ('fact' in term.source ? `fact ${term.source.fact}` : `${term.source.device}/${term.source.tag}`);

/**
 * @param {{ onInsert: (phrase: string) => void, language: () => 'en' | 'zh' }} options
 */
export function createGlossaryPanel({ onInsert, language }) {
  const search = el('input', {
    type: 'search', id: 'glossary-search', placeholder: 'Search: temperature, 焊点, kg…',
    'aria-label': 'Search the glossary', autocomplete: 'off', spellcheck: 'false',
  });
  const count = el('span', { class: 'glossary-count', id: 'glossary-count', 'aria-live': 'polite' });
  const list = el('div', { class: 'glossary-list', id: 'glossary-list' });
  const element = el('aside', { class: 'glossary-panel', 'aria-label': 'Glossary' },
    el('h3', { text: 'Glossary' }),
    el('p', { class: 'hint', text: 'Click a phrase to insert it at the cursor; a {parameter} in it is selected so you can type the value (B12, G1, …).' }),
    el('div', { class: 'glossary-search' }, search, count), list);
  /** @type {Array<{ node: HTMLElement, haystack: string }>} */
  let entries = [];

  const phraseButton = (phrase, lang, insertText) => el('button', {
    type: 'button', class: 'glossary-phrase', lang, text: phrase, dataset: { phrase: insertText },
    title: `Insert ${insertText}`, on: { click: () => onInsert(insertText) },
  });

  function termEntry(term, parameters) {
    const params = [...new Set([...term.en.join(' ').matchAll(/\{([^}]+)\}/g)].map((m) => m[1]))];
    const facts = [
      term.type + (term.unit ? ` · ${term.unit}` : ''),
      term.range ? `${term.range[0]} … ${term.range[1]}` : null,
      term.writable ? 'writable' : null,
      term.event ? 'event' : null,
    ].filter(Boolean).join(' · ');
    const node = el('li', { class: 'glossary-entry', dataset: { term: term.id } },
      el('div', { class: 'glossary-entry-head' }, el('code', { text: term.id }), el('span', { class: 'glossary-meta', text: facts })),
      el('div', { class: 'glossary-phrases' }, ...term.en.map((p) => phraseButton(p, 'en', p)), ...term.zh.map((p) => phraseButton(p, 'zh', p))),
      el('div', { class: 'glossary-source', text: sourceText(term) + (params.length
        ? ` · ${params.map((name) => `{${name}}: ${parameters[name]?.pattern ?? '?'}${parameters[name]?.description ? ` (${parameters[name].description})` : ''}`).join(', ')}`
        : '') }));
    return { node, haystack: [term.id, ...term.en, ...term.zh, sourceText(term), term.unit ?? ''].join(' ').toLowerCase() };
  }

  function vocabularyEntry(entry, quoted, kind) {
    const wrap = (p) => (quoted ? `"${p}"` : p);
    const node = el('li', { class: 'glossary-entry', dataset: { [kind.replace(/s$/, '')]: entry.id } },
      el('div', { class: 'glossary-entry-head' }, el('code', { text: entry.id })),
      el('div', { class: 'glossary-phrases' }, ...entry.en.map((p) => phraseButton(p, 'en', wrap(p))), ...entry.zh.map((p) => phraseButton(p, 'zh', wrap(p)))));
    return { node, haystack: [entry.id, ...entry.en, ...entry.zh].join(' ').toLowerCase() };
  }

  function render(glossary) {
    entries = [];
    const sections = [];
    const terms = glossary.terms.map((t) => termEntry(t, glossary.parameters ?? {}));
    entries.push(...terms);
    sections.push(el('section', {}, el('h4', { text: 'Terms (values the rule reads)' }), el('ul', { class: 'glossary-entries' }, ...terms.map((t) => t.node))));
    for (const { kind, label, quoted } of VOCABULARIES) {
      const items = (glossary[kind] ?? []).map((v) => vocabularyEntry(v, quoted, kind));
      if (items.length === 0) continue;
      entries.push(...items);
      sections.push(el('section', {}, el('h4', { text: label }), el('ul', { class: 'glossary-entries' }, ...items.map((i) => i.node))));
    }
    list.replaceChildren(...sections);
    filter();
  }

  function filter() {
    const words = search.value.trim().toLowerCase().split(/\s+/u).filter(Boolean);
    let shown = 0;
    for (const entry of entries) {
      const match = words.every((w) => entry.haystack.includes(w));
      entry.node.hidden = !match;
      if (match) shown++;
    }
    // the phrases of the editor's language first: that is what a click should usually insert
    const lang = language();
    list.dataset.lang = lang;
    setText(count, words.length ? `${shown} of ${entries.length}` : `${entries.length}`);
  }

  search.addEventListener('input', filter);
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { search.value = ''; filter(); }
  });

  return {
    element,
    /** Loads the glossary; resolves to it, or null with the reason shown in the panel. */
    async load() {
      const answer = await getGlossary();
      if (!answer.ok) {
        list.replaceChildren(el('p', { class: 'form-error', text: `Cannot load the glossary: ${answer.message}` }));
        return null;
      }
      if (!answer.body.glossary) {
        list.replaceChildren(el('p', { class: 'hint', text: 'This cloud has no process rules configured: add rules: { glossary, seedPack } to its config file (docs/rule-release.md).' }));
        return null;
      }
      render(answer.body.glossary);
      return answer.body.glossary;
    },
    refreshLanguage: filter,
  };
}
