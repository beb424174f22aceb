/**
 * Edit distance for "did you mean" suggestions: the optimal-string-alignment variant of
 * Damerau-Levenshtein (insert, delete, substitute, swap two neighbours, each costing 1), so a
 * typed `temprature` is one edit from `temperature` and `sheet thcikness` one from `sheet thickness`.
 */

/** Edits turning `a` into `b` (UTF-16 code units; glossary phrases are BMP text). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: the swap rule needs the row two back.
  let twoBack = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        best = Math.min(best, twoBack[j - 2]! + 1);
      }
      current[j] = best;
    }
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[b.length]!;
}

export interface Suggestion<T> {
  value: T;
  distance: number;
}

/**
 * The candidates nearest to `typed`, best first: those at the smallest distance (at most
 * `limit`), provided that distance is small enough to be a plausible typo (a third of the longer
 * text, at least 2 edits), so an unrelated word gets no suggestion rather than a random one.
 */
export function nearest<T>(typed: string, candidates: readonly T[], textOf: (candidate: T) => string, limit = 2): T[] {
  const scored: Suggestion<T>[] = candidates.map((value) => ({ value, distance: editDistance(typed, textOf(value)) }));
  const plausible = scored.filter((s) => s.distance <= Math.max(2, Math.ceil(Math.max(typed.length, textOf(s.value).length) / 3)));
  if (plausible.length === 0) return [];
  const best = Math.min(...plausible.map((s) => s.distance));
  const seen = new Set<string>();
  const out: T[] = [];
  for (const s of plausible) {
    if (s.distance !== best || seen.has(textOf(s.value))) continue;
    seen.add(textOf(s.value));
    out.push(s.value);
    if (out.length >= limit) break;
  }
  return out;
}
