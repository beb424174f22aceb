// What the compiler made of the rule in the editor, as tabs: the canonical English and Chinese
// ("what the system understood": read it back before you trust it), the IEC 61131-3 Structured
// Text function block a PLC could run, the gateway's JavaScript plan and the AST.
import { el, setText } from './dom.js';

const TABS = [
  { id: 'understood', label: 'What the system understood' },
  { id: 'st', label: 'Structured Text' },
  { id: 'js', label: 'JS plan' },
  { id: 'ast', label: 'AST (JSON)' },
];

export function createPreviews() {
  const tabs = new Map();
  const panels = new Map();
  const tablist = el('div', { class: 'rules-tabs', role: 'tablist', 'aria-label': 'Previews' });
  const panelBox = el('div', { class: 'rules-tab-panels' });
  for (const { id, label } of TABS) {
    const tab = el('button', {
      type: 'button', role: 'tab', id: `rules-tab-${id}`, class: 'rules-tab', 'aria-controls': `rules-panel-${id}`,
      'aria-selected': 'false', tabindex: '-1', text: label, dataset: { tab: id },
    });
    const panel = el('div', { role: 'tabpanel', id: `rules-panel-${id}`, class: 'rules-tab-panel', 'aria-labelledby': `rules-tab-${id}`, hidden: true });
    tab.addEventListener('click', () => select(id));
    tab.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const index = (TABS.findIndex((t) => t.id === id) + step + TABS.length) % TABS.length;
      select(TABS[index].id);
      tabs.get(TABS[index].id).focus();
    });
    tabs.set(id, tab);
    panels.set(id, panel);
    tablist.append(tab);
    panelBox.append(panel);
  }

  const enText = el('p', { class: 'understood-text', id: 'understood-en', lang: 'en' });
  const zhText = el('p', { class: 'understood-text', id: 'understood-zh', lang: 'zh' });
  panels.get('understood').append(
    el('div', { class: 'understood-row' }, el('span', { class: 'understood-lang', text: 'English' }), enText),
    el('div', { class: 'understood-row' }, el('span', { class: 'understood-lang', text: '中文' }), zhText),
    el('p', { class: 'hint', text: 'Both texts are generated from what the compiler understood, not copied from yours: if either reads differently from what you meant, rephrase the rule.' }));
  const stCode = el('pre', { class: 'code-preview', id: 'preview-st' });
  const jsCode = el('pre', { class: 'code-preview', id: 'preview-js' });
  const astCode = el('pre', { class: 'code-preview', id: 'preview-ast' });
  panels.get('st').append(stCode);
  panels.get('js').append(jsCode);
  panels.get('ast').append(astCode);

  function select(id) {
    for (const [tabId, tab] of tabs) {
      const on = tabId === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      panels.get(tabId).hidden = !on;
    }
  }
  select('understood');

  const element = el('section', { class: 'rules-previews', 'aria-label': 'Previews' }, tablist, panelBox);
  const NOT_YET = 'Nothing yet: type a rule above.';
  const BLOCKED = 'Not available while the rule has problems: fix them above.';

  return {
    element,
    select,
    /** Shows a compile answer (null: no text, or the cloud cannot be reached). */
    show(answer) {
      const none = answer ? BLOCKED : NOT_YET;
      setText(enText, answer?.text?.en ?? none);
      setText(zhText, answer?.text?.zh ?? none);
      setText(stCode, answer?.st ?? none);
      setText(jsCode, answer?.js ?? none);
      setText(astCode, answer?.ast ? JSON.stringify(answer.ast, null, 2) : none);
      element.dataset.state = !answer ? 'empty' : answer.ok ? 'ok' : 'problems';
    },
  };
}
