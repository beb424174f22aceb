// One example's result as a planner reads it: passed, or which effects were expected and which
// the rule actually produced, as a diff (− expected but missing, + produced but not expected).
import { el } from './dom.js';

/** `{ at: 4000, effect: { kind: 'reserve', station: 'W3' } }` -> "at 4 s: reserve station=W3". */
export function describeEffect(entry) {
  if (!entry || typeof entry !== 'object') return JSON.stringify(entry);
  const effect = entry.effect ?? entry;
  const { kind, ...fields } = effect;
  // sorted and without undefined fields, so the same effect reads the same from the source and the runner
  const parts = Object.keys(fields).sort().filter((k) => fields[k] !== undefined).map((k) => [k, fields[k]]).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const at = typeof entry.at === 'number' ? `at ${formatOffset(entry.at)}: ` : '';
  return `${at}${kind ?? '?'}${parts.length ? ` ${parts.join(' ')}` : ''}`;
}

/** Milliseconds after the example's start: 4000 -> "4 s", 360000 -> "6 min". */
export function formatOffset(ms) {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** `1500`, `"1500ms"`, `"1.5s"`, `"5min"`, `"2h"`, `"3d"` -> milliseconds (as rules/rule-pack.ts reads example times). */
export function parseOffsetMs(value) {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h|d)\s*$/u.exec(String(value));
  if (!match) return undefined;
  return Number(match[1]) * { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2]];
}

/**
 * Expected and produced effects of one example: `expect` from the rule's source (times as written,
 * "4s"), `got` from the result's detail (rules/examples/run-examples.ts: `{ got, problems }`, ms).
 * Null when the detail has no `got` list.
 */
export function effectsOf(detail, expect) {
  if (!Array.isArray(detail?.got)) return null;
  const expected = (Array.isArray(expect) ? expect : []).map((e) => ({ ...e, at: parseOffsetMs(e.at) ?? e.at }));
  return { expected, got: detail.got };
}

/**
 * Lines of a diff between expected and produced effects, each `{ sign: ' ' | '-' | '+', text }`:
 * matched effects first, then the missing ones, then the unexpected.
 */
export function effectDiff(expected, got) {
  const left = expected.map(describeEffect);
  const right = got.map(describeEffect);
  const unmatched = [...right];
  const lines = [];
  const missing = [];
  for (const text of left) {
    const i = unmatched.indexOf(text);
    if (i >= 0) { unmatched.splice(i, 1); lines.push({ sign: ' ', text }); } else missing.push({ sign: '-', text });
  }
  return [...lines, ...missing, ...unmatched.map((text) => ({ sign: '+', text }))];
}

/**
 * The list item for one example result `{ name, passed, detail }`; `expect` is what the rule's
 * source says the example should produce.
 */
export function exampleItem(result, expect) {
  const item = el('li', { class: `example-result ${result.passed ? 'is-pass' : 'is-fail'}`, dataset: { example: result.name, passed: String(result.passed) } },
    el('span', { class: 'example-mark', text: result.passed ? '✓ pass' : '✕ fail' }), ' ',
    el('span', { class: 'example-name', text: result.name }));
  if (result.passed) return item;
  const effects = effectsOf(result.detail, expect);
  const problems = Array.isArray(result.detail?.problems) ? result.detail.problems.map(String) : [];
  const body = effects
    ? el('pre', { class: 'example-diff' }, ...effectDiff(effects.expected, effects.got).map((line) =>
      el('span', { class: `diff-line diff-${{ ' ': 'same', '-': 'missing', '+': 'extra' }[line.sign]}`, text: `${line.sign} ${line.text}\n` })))
    : el('pre', { class: 'example-diff', text: JSON.stringify(result.detail ?? null, null, 2) });
  item.append(el('div', { class: 'example-detail' },
    problems.length ? el('ul', { class: 'example-problems' }, ...problems.map((p) => el('li', { text: p }))) : null,
    effects ? el('p', { class: 'hint', text: '− expected but not produced · + produced but not expected' }) : null,
    body));
  return item;
}
