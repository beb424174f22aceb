// The rule editor: one rule in English or Chinese, compiled live (POST /api/rules/compile, 250 ms
// after the last keystroke), every problem listed with its line:col and the text at fault
// underlined in place. The underlines live in a mirror behind a transparent textarea: the mirror
// has the textarea's font, padding and wrapping, so its runs sit exactly under the typed text.
import { el, setText } from './dom.js';
import { compileText } from './rules-client.js';
import { lineColOf, underlineRuns } from './rules-underline.js';

const DEBOUNCE_MS = 250;
const HAN = /[\u3400-\u9fff]/u;

/** Which language a text is written in, for inserting glossary phrases: any Han character is Chinese. */
export const languageOf = (text) => (HAN.test(text) ? 'zh' : 'en');

/**
 * @param {{ onResult: (answer: object | null, text: string) => void }} options `answer` is the
 *   compile answer for `text` (null while the text is empty or the cloud cannot be reached).
 */
export function createRuleEditor({ onResult }) {
  const input = el('textarea', {
    id: 'rule-text', class: 'rules-input', rows: '3', spellcheck: 'false', autocomplete: 'off',
    'aria-label': 'Rule text (English or Chinese)', 'aria-describedby': 'rule-problems',
    placeholder: 'When remnant weight of furnace F1 exceeds 15 kg, start approval "re-melt".\n当F1熔炉余料重量超过15公斤时，启动审批"回炉"',
  });
  const mirror = el('div', { class: 'rules-mirror', id: 'rule-mirror', 'aria-hidden': 'true' });
  const frame = el('div', { class: 'rules-editor-frame' }, mirror, input);
  const lang = el('select', { id: 'rule-lang', 'aria-label': 'Language of the rule' },
    el('option', { value: 'auto', text: 'language: detect' }),
    el('option', { value: 'en', text: 'English' }),
    el('option', { value: 'zh', text: '中文' }));
  const status = el('span', { class: 'rules-compile-status', id: 'rule-status', role: 'status', 'aria-live': 'polite' });
  const problemList = el('ul', { class: 'rules-problems', id: 'rule-problems' });
  const element = el('div', { class: 'rules-editor' },
    frame, el('div', { class: 'rules-editor-bar' }, lang, status), problemList);

  let timer = null;
  let sequence = 0;
  /** @type {{ text: string, answer: object | null }} */
  let latest = { text: '', answer: null };

  function renderMirror(text, problems) {
    const runs = underlineRuns(text, problems);
    const nodes = runs.map((run) => {
      if (run.problems.length === 0) return document.createTextNode(run.text);
      const message = run.problems.map((p) => `${p.line}:${p.col} ${p.message}`).join('\n');
      return el('span', {
        class: `rule-underline${run.atEnd ? ' is-at-end' : ''}`, title: message,
        dataset: { code: run.problems.map((p) => p.code ?? '').join(' '), offset: String(run.problems[0].offset) },
        // at the end there is no text to underline: a non-breaking space carries the wavy line
        text: run.atEnd ? '\u00a0' : run.text,
      });
    });
    // a textarea shows a last empty line after a trailing newline; the mirror needs a character there
    if (text.endsWith('\n')) nodes.push(document.createTextNode('\u200b'));
    mirror.replaceChildren(...nodes);
  }

  function renderProblems(text, problems) {
    problemList.replaceChildren(...problems.map((problem, index) => {
      const at = problem.line ? { line: problem.line, col: problem.col } : lineColOf(text, problem.offset);
      const item = el('li', { class: 'rules-problem', dataset: { code: problem.code ?? '', index: String(index) }, tabindex: '0', title: 'Show in the text' },
        el('span', { class: 'problem-at', text: `${at.line}:${at.col}` }),
        el('span', { class: 'problem-code', text: problem.code ?? '' }),
        el('span', { class: 'problem-message', text: problem.message }));
      const show = () => {
        input.focus();
        input.setSelectionRange(problem.offset, problem.offset + Math.max(0, problem.length));
      };
      item.addEventListener('click', show);
      item.addEventListener('keydown', (event) => { if (event.key === 'Enter') show(); });
      return item;
    }));
  }

  function grow() {
    // no inner scrolling: the mirror cannot follow a scrolled textarea line for line, so the textarea grows
    input.style.height = 'auto';
    input.style.height = `${input.scrollHeight + 2}px`;
  }

  async function compile() {
    const text = input.value;
    const mine = ++sequence;
    if (text.trim() === '') {
      latest = { text, answer: null };
      renderMirror(text, []);
      renderProblems(text, []);
      setText(status, '');
      status.dataset.state = 'empty';
      onResult(null, text);
      return;
    }
    setText(status, 'compiling…');
    status.dataset.state = 'compiling';
    const answer = await compileText(text, lang.value);
    if (mine !== sequence) return; // a newer keystroke's compile is on its way
    if (!answer.ok) {
      latest = { text, answer: null };
      setText(status, `Cannot compile: ${answer.message}`);
      status.dataset.state = 'error';
      onResult(null, text);
      return;
    }
    const body = answer.body;
    latest = { text, answer: body };
    renderMirror(text, body.problems);
    renderProblems(text, body.problems);
    const language = body.lang === 'zh' ? 'Chinese' : 'English';
    const count = body.problems.length;
    setText(status, body.ok ? `✓ The rule compiles (${language}).` : `✕ ${count} problem${count === 1 ? '' : 's'}${body.lang ? ` (${language})` : ''}`);
    status.dataset.state = body.ok ? 'ok' : 'problems';
    onResult(body, text);
  }

  function schedule() {
    // the old underlines no longer match the text: show the text alone until the new answer
    renderMirror(input.value, []);
    grow();
    clearTimeout(timer);
    timer = setTimeout(compile, DEBOUNCE_MS);
  }

  input.addEventListener('input', schedule);
  lang.addEventListener('change', schedule);
  // The textarea lies over the mirror, so the underline's own title never gets the mouse: show the
  // message of the underline under the pointer as the textarea's title.
  input.addEventListener('mousemove', (event) => {
    const hit = [...mirror.querySelectorAll('.rule-underline')].find((mark) => [...mark.getClientRects()]
      .some((r) => event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom));
    const title = hit?.title ?? '';
    if (input.title !== title) input.title = title;
  });

  return {
    element,
    /** The text and its latest compile answer. */
    get latest() { return latest; },
    get text() { return input.value; },
    /** Replaces the whole text (e.g. a pack rule opened for editing) and compiles it at once. */
    setText(text) {
      input.value = text;
      schedule();
      clearTimeout(timer);
      compile();
    },
    /** Inserts a glossary phrase at the caret; a `{parameter}` in it is selected to be typed over. */
    insert(phrase) {
      const { selectionStart: start, selectionEnd: end, value } = input;
      const before = value.slice(0, start);
      const spaceBefore = before !== '' && !/\s$/u.test(before) && languageOf(phrase) === 'en' ? ' ' : '';
      input.setRangeText(spaceBefore + phrase, start, end, 'end');
      const placeholder = /\{[^}]+\}/u.exec(phrase);
      input.focus();
      if (placeholder) {
        const at = start + spaceBefore.length + placeholder.index;
        input.setSelectionRange(at, at + placeholder[0].length);
      }
      schedule();
    },
    /** The language glossary phrases should be inserted in. */
    insertLanguage() {
      if (lang.value !== 'auto') return lang.value;
      return input.value.trim() === '' ? (document.documentElement.lang.startsWith('zh') ? 'zh' : 'en') : languageOf(input.value);
    },
  };
}
