// How the replenishment screen words its figures: quantities as the ledger keeps them (at most 3
// decimals), shares as percentages, and a suggestion's explanation cut into its clauses so each
// sum reads on its own line (the clauses are joined by "; ", parenthesised lists excepted).

const qtyFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

/** "12.5"; '—' without a number. */
export const formatQty = (qty) => (qty === null || qty === undefined || !Number.isFinite(qty) ? '—' : qtyFormat.format(qty));

/** 0.92 -> "92%". */
export const formatShare = (share) => (share === null || share === undefined ? '—' : `${qtyFormat.format(Math.round(share * 1000) / 10)}%`);

/** The explanation's clauses: split at "; " outside parentheses, so a list of lots stays in its clause. */
export function explanationClauses(explanation) {
  const clauses = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < explanation.length; i++) {
    const char = explanation[i];
    if (char === '(') depth += 1;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === ';' && depth === 0 && explanation[i + 1] === ' ') {
      clauses.push(explanation.slice(start, i));
      start = i + 2;
    }
  }
  clauses.push(explanation.slice(start));
  return clauses.filter((clause) => clause.trim() !== '');
}

/** Suggestion states as text and symbol as well as colour. */
export const STATE_LABELS = {
  open: { text: '● open', quality: 'q-uncertain' },
  accepted: { text: '✓ accepted', quality: 'q-good' },
  dismissed: { text: '✕ dismissed', quality: 'q-stale' },
};
