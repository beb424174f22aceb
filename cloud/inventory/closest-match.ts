/**
 * "Did you mean ...?" for codes the inventory does not know: the known code nearest by edit
 * distance, offered only when it is close and unambiguous, so a typo (SKU-A1 for SKU-AI) is named
 * and a wholly different code gets no misleading hint.
 */

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** The candidate nearest to `code` (at most 2 edits, or 1 for codes of 4 characters or fewer), if one is nearest alone. */
export function closestMatch(code: string, candidates: Iterable<string>): string | undefined {
  const limit = code.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tied = false;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - code.length) > limit) continue;
    const distance = editDistance(code, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tied = false;
    } else if (distance === bestDistance) {
      tied = true;
    }
  }
  return best !== undefined && bestDistance <= limit && !tied ? best : undefined;
}

/** ` (did you mean "X"?)` or nothing: appended to an "unknown ..." message. */
export const didYouMean = (code: string, candidates: Iterable<string>): string => {
  const near = closestMatch(code, candidates);
  return near === undefined ? '' : ` (did you mean "${near}"?)`;
};
