// Where the editor's wavy underlines go: a rule text cut into runs, each run with the problems
// that cover it. The mirror behind the textarea renders these runs with the same font and
// wrapping as the textarea, so an underline sits exactly under the text at fault.

/**
 * @typedef {{ code?: string, message: string, offset: number, length: number, line?: number, col?: number }} PlacedProblem
 * @typedef {{ text: string, problems: PlacedProblem[], atEnd?: boolean }} Run
 */

/**
 * Cuts `text` at every problem's start and end. A problem of length 0 (or placed at the end, e.g.
 * "expected an action, found the end of the text") covers one character, or a run marked `atEnd`
 * after the text, so there is always something to underline. Offsets are UTF-16 code units, as
 * JavaScript strings count (the rule compiler runs on them too); out-of-range offsets are clamped.
 * @param {string} text
 * @param {PlacedProblem[]} problems
 * @returns {Run[]}
 */
export function underlineRuns(text, problems) {
  const spans = problems.map((problem) => {
    const start = Math.min(Math.max(0, Math.trunc(problem.offset) || 0), text.length);
    const end = Math.min(text.length, start + Math.max(1, Math.trunc(problem.length) || 0));
    return { start, end, problem };
  });
  const cuts = new Set([0, text.length]);
  for (const { start, end } of spans) cuts.add(start).add(end);
  const points = [...cuts].sort((a, b) => a - b);
  const runs = [];
  for (let i = 0; i < points.length - 1; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const covering = spans.filter((s) => s.start <= from && s.end >= to && s.end > s.start).map((s) => s.problem);
    const last = runs.at(-1);
    // neighbouring runs under the same problems are one run: one underline element per problem span
    if (last && !last.atEnd && sameProblems(last.problems, covering)) last.text += text.slice(from, to);
    else runs.push({ text: text.slice(from, to), problems: covering });
  }
  const atEnd = spans.filter((s) => s.start === text.length).map((s) => s.problem);
  if (atEnd.length > 0) runs.push({ text: '', problems: atEnd, atEnd: true });
  return runs.filter((run) => run.text !== '' || run.atEnd);
}

function sameProblems(a, b) {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/**
 * The 1-based line and column of a 0-based offset, for problems that come without them.
 * @param {string} text
 * @param {number} offset
 */
export function lineColOf(text, offset) {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, col: lines.at(-1).length + 1 };
}
