/**
 * Derives figures from one SKU's bucket cells and keeps the lineage of each: every cell a formula
 * reads is arbitrated between the sources that hold it, and the value, report, raw message,
 * source, trust, rule and mapping version used are written down beside the result. Pure: the
 * store hands it the cells and the dictionary, it hands back values with their lineage.
 *
 * An unqualified bucket (`pending_outbound`) is the total: a source's report of the total if one
 * exists, else the sum of the channel cells (`pending_outbound[meituan]` + ...), else missing.
 */
import { arbitrate, type Candidate } from './arbitration.ts';
import type { CompiledDictionary, CompiledFigure } from './dictionary.ts';
import { evaluateFormula, referencesOf, refName, renderFormula } from './formula.ts';
import type { BucketName, CellLineage, FigureLineage, InputLineage } from './fusion-types.ts';

/** One source's value for one cell, as the store holds it. */
export interface CellCandidate extends Candidate {
  bucket: BucketName;
  channel: string | null;
  messageId: string | null;
  raw: string;
  receivedAt: number;
  mappingVersion: number | null;
}

const cellKey = (bucket: string, channel: string | null) => `${bucket}\u0000${channel ?? ''}`;
const round = (n: number) => Math.round(n * 1000) / 1000;

export class SkuCells {
  private readonly byCell = new Map<string, CellCandidate[]>();
  private readonly chosen = new Map<string, CellLineage>();

  constructor(readonly sku: string, candidates: CellCandidate[], private readonly dictionary: CompiledDictionary) {
    for (const c of candidates) {
      const key = cellKey(c.bucket, c.channel);
      const list = this.byCell.get(key);
      if (list) list.push(c); else this.byCell.set(key, [c]);
    }
  }

  /** The arbitrated value of exactly this cell, or undefined when no source holds it. */
  cell(bucket: BucketName, channel: string | null): CellLineage | undefined {
    const key = cellKey(bucket, channel);
    const cached = this.chosen.get(key);
    if (cached) return cached;
    const candidates = this.byCell.get(key);
    if (!candidates) return undefined;
    const { winner, rule, outranked } = arbitrate(bucket, candidates, this.dictionary.arbitration);
    const lineage: CellLineage = {
      bucket, channel, value: winner.value, source: winner.source.id, sourceKind: winner.source.kind, trust: winner.source.trust,
      reportId: winner.reportId, messageId: winner.messageId, raw: winner.raw, observedAt: winner.observedAt, receivedAt: winner.receivedAt,
      mappingVersion: winner.mappingVersion, rule,
      outranked: outranked.map((c) => ({ source: c.source.id, value: c.value, reportId: c.reportId })),
    };
    this.chosen.set(key, lineage);
    return lineage;
  }

  /** Every cell any source holds, arbitrated. */
  cells(): CellLineage[] {
    return [...this.byCell.values()].map((list) => this.cell(list[0]!.bucket, list[0]!.channel)!)
      .sort((a, b) => a.bucket.localeCompare(b.bucket) || (a.channel ?? '').localeCompare(b.channel ?? ''));
  }

  /** A formula's name resolved: a cell, a total, or the sum of the channel cells. */
  input(bucket: BucketName, channel: string | null): InputLineage {
    const ref = refName(bucket, channel);
    const direct = this.cell(bucket, channel);
    if (direct) return { ref, bucket, channel, value: direct.value, how: channel === null ? 'total' : 'cell', cells: [direct] };
    if (channel === null) {
      const parts = this.cells().filter((c) => c.bucket === bucket && c.channel !== null);
      if (parts.length > 0) return { ref, bucket, channel, value: round(parts.reduce((sum, c) => sum + c.value, 0)), how: 'sum-of-channels', cells: parts };
    }
    return { ref, bucket, channel, value: null, how: 'missing', cells: [] };
  }

  /** Evaluates a figure's formula with lineage. */
  evaluate(figure: CompiledFigure): { value: number | null; filled: string; inputs: InputLineage[]; missing: string[]; problem: string | null } {
    const inputs = referencesOf(figure.formula).map((r) => this.input(r.bucket, r.channel));
    const byRef = new Map(inputs.map((i) => [i.ref, i]));
    const valueOf = (bucket: BucketName, channel: string | null) => byRef.get(refName(bucket, channel))?.value ?? null;
    const { value, problem } = evaluateFormula(figure.formula, valueOf);
    const filled = renderFormula(figure.formula, (bucket, channel) => {
      const v = valueOf(bucket, channel);
      return v === null ? `?${refName(bucket, channel)}` : v < 0 ? `(${v})` : String(v);
    });
    const missing = inputs.filter((i) => i.how === 'missing').map((i) => i.ref);
    return { value, filled, inputs, missing, problem: problem ?? (missing.length > 0 ? `no source has reported ${missing.join(', ')}` : null) };
  }

  /** A target figure with its lineage. */
  figure(target: CompiledFigure, computedAt: number): FigureLineage {
    const { value, filled, inputs, missing, problem } = this.evaluate(target);
    return {
      sku: this.sku, figure: target.name, value, formula: target.text, filled, dictionaryVersion: this.dictionary.version, computedAt,
      inputs, missing, problem,
    };
  }
}

/** What identifies a figure's result: its value and the report of every cell it read. Same signature, nothing changed. */
export function signatureOf(figure: FigureLineage): string {
  const cells = figure.inputs.flatMap((i) => i.cells.map((c) => `${refName(c.bucket, c.channel)}=${c.source}:${c.reportId ?? c.value}`));
  return JSON.stringify([figure.value, figure.dictionaryVersion, cells]);
}
