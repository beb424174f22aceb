/**
 * The fusion store on SQLite (tables: store/migrations/013-fusion.ts). A report is checked,
 * stored, applied to its bucket cell and every target figure of its SKU recomputed in one
 * IMMEDIATE transaction, so a report is reflected in every derived figure the moment it is
 * acknowledged, and a refused one (InventoryError) leaves nothing behind.
 */
import type { Clock } from '../../../connectors/clock.ts';
import type { SqliteDatabase } from '../../store/database.ts';
import { didYouMean } from '../closest-match.ts';
import { checkCode } from '../inventory-codes.ts';
import { InventoryError } from '../inventory-errors.ts';
import type { CoreBuckets } from './core-buckets.ts';
import { compileDictionary, type CompiledDictionary } from './dictionary.ts';
import { DictionaryError } from './dictionary-error.ts';
import { SkuCells, signatureOf, type CellCandidate } from './figure-lineage.ts';
import {
  coreSource, dictionaryOf, reportOf, sourceOf, type CellRow, type DictionaryRow, type ReportRow, type SourceRow,
} from './fusion-rows.ts';
import {
  CORE_SOURCE, type BucketName, type DictionaryDefinition, type DictionaryVersion, type FigureLineage, type Fusion,
  type ObservedFigure, type Report, type ReportInput, type ReportOutcome, type ReportStatus, type SkuDirectory, type SkuFusion,
  type Source, type SourceInput,
} from './fusion-types.ts';
import { checkSourceInput, DEFAULT_TOLERANCE_ABS, DEFAULT_TOLERANCE_PCT, trustCheck } from './sources.ts';

export interface FusionDeps {
  clock: Pick<Clock, 'now'>;
  skus: SkuDirectory;
  /** The inventory core's own buckets, as source `edgestock`; without it fusion works from reports alone. */
  coreBuckets?: CoreBuckets;
  /** Channels a formula may name besides the sources' own (e.g. the catalogue's sales channels). */
  channels?: () => string[];
}

export const MAX_RAW_CHARS = 10_000;
const MAX_REPORTS_LIMIT = 500;

export class SqliteFusion implements Fusion {
  private compiled: CompiledDictionary | undefined;

  constructor(private readonly db: SqliteDatabase, private readonly deps: FusionDeps) {}

  private now(): number { return this.deps.clock.now(); }

  private sourceMap(): Map<string, Source> {
    const rows = this.db.prepare('SELECT * FROM fusion_source ORDER BY id').all() as SourceRow[];
    const map = new Map(rows.map((r) => [r.id, sourceOf(r)]));
    if (this.deps.coreBuckets) map.set(CORE_SOURCE, coreSource(this.now()));
    return map;
  }

  sources(): Source[] { return [...this.sourceMap().values()]; }

  putSource(input: SourceInput, actor: string): Source {
    checkSourceInput(input);
    return this.db.transaction(() => {
      this.db.prepare(`
        INSERT INTO fusion_source (id, name, kind, channel, trust, tolerance_pct, tolerance_abs, updated_at, updated_by)
        VALUES (@id, @name, @kind, @channel, @trust, @tolerancePct, @toleranceAbs, @now, @actor)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, channel = excluded.channel, trust = excluded.trust,
          tolerance_pct = excluded.tolerance_pct, tolerance_abs = excluded.tolerance_abs, updated_at = excluded.updated_at, updated_by = excluded.updated_by
      `).run({
        id: input.id, name: input.name.trim(), kind: input.kind, channel: input.channel ?? null, trust: input.trust,
        tolerancePct: input.tolerancePct ?? DEFAULT_TOLERANCE_PCT, toleranceAbs: input.toleranceAbs ?? DEFAULT_TOLERANCE_ABS, now: this.now(), actor,
      });
      // A trust tie-break may now rank the sources differently.
      this.recomputeAll('sources');
      return this.sourceMap().get(input.id)!;
    }).immediate();
  }

  dictionary(): DictionaryVersion | undefined {
    const row = this.db.prepare('SELECT * FROM fusion_dictionary ORDER BY version DESC LIMIT 1').get() as DictionaryRow | undefined;
    return row && dictionaryOf(row);
  }

  dictionaryVersion(version: number): DictionaryVersion | undefined {
    const row = this.db.prepare('SELECT * FROM fusion_dictionary WHERE version = ?').get(version) as DictionaryRow | undefined;
    return row && dictionaryOf(row);
  }

  dictionaryVersions() {
    return (this.db.prepare('SELECT version, author, created_at, why FROM fusion_dictionary ORDER BY version DESC').all() as DictionaryRow[])
      .map((r) => ({ version: r.version, author: r.author, createdAt: r.created_at, why: r.why }));
  }

  putDictionary(definition: DictionaryDefinition, options: { actor: string; why: string }): DictionaryVersion {
    if (typeof options.why !== 'string' || options.why.trim() === '' || options.why.length > 2000) {
      throw new InventoryError('INVALID_INPUT', 'why', 'why: say why this version is made (1 to 2000 characters), e.g. "Meituan now reports pending outbound per store"');
    }
    return this.db.transaction(() => {
      const version = (this.dictionary()?.version ?? 0) + 1;
      const result = compileDictionary(definition, version, this.sources(), this.deps.channels?.() ?? []);
      if (!result.ok) throw new DictionaryError(result.problems);
      const stored: DictionaryDefinition = { sources: definition.sources, targets: definition.targets, arbitration: definition.arbitration };
      this.db.prepare('INSERT INTO fusion_dictionary (version, author, created_at, why, definition) VALUES (?, ?, ?, ?, ?)')
        .run(version, options.actor, this.now(), options.why.trim(), JSON.stringify(stored));
      this.compiled = result.dictionary;
      this.recomputeAll(`dictionary ${version}`);
      return this.dictionaryVersion(version)!;
    }).immediate();
  }

  /** The current dictionary compiled (cached per version), or undefined before the first is saved. */
  private current(): CompiledDictionary | undefined {
    const latest = this.dictionary();
    if (!latest) return undefined;
    if (this.compiled?.version !== latest.version) {
      const result = compileDictionary(latest, latest.version, [], [], { references: false });
      if (!result.ok) throw new Error(`fusion dictionary ${latest.version} does not parse: ${result.problems.map((p) => p.message).join('; ')}`);
      this.compiled = result.dictionary;
    }
    return this.compiled;
  }

  report(input: ReportInput, actor: string): ReportOutcome {
    return this.db.transaction((): ReportOutcome => {
      const sources = this.sourceMap();
      checkCode(input.source, 'source', 'a source id');
      if (input.source === CORE_SOURCE) throw new InventoryError('INVALID_INPUT', 'source', `source: "${CORE_SOURCE}" is the inventory core itself; its buckets come from the ledger, not from reports`);
      const source = sources.get(input.source);
      if (!source) {
        throw new InventoryError('INVALID_INPUT', 'source', `source: unknown source "${input.source}"${didYouMean(input.source, sources.keys())}; add it with PUT /api/fusion/sources/${input.source}`);
      }
      if (typeof input.messageId !== 'string' || input.messageId.length < 1 || input.messageId.length > 200) {
        throw new InventoryError('INVALID_INPUT', 'messageId', 'messageId: expected the source\'s message id, 1 to 200 characters');
      }
      const earlier = this.db.prepare('SELECT * FROM fusion_report WHERE source = ? AND message_id = ?').get(input.source, input.messageId) as ReportRow | undefined;
      if (earlier) {
        if (earlier.sku !== input.sku || earlier.figure !== input.figure || earlier.value !== input.value) {
          throw new InventoryError('CONFLICT', 'messageId', `messageId: ${input.source} already sent "${input.messageId}" as ${earlier.figure} = ${earlier.value} for ${earlier.sku} (report ${earlier.id}); a new figure needs a new messageId`);
        }
        return { report: reportOf(earlier), duplicate: true, changed: [] };
      }
      checkCode(input.sku, 'sku', 'a SKU');
      if (!this.deps.skus.has(input.sku)) {
        throw new InventoryError('UNKNOWN_SKU', 'sku', `sku: no item "${input.sku}"${didYouMean(input.sku, this.deps.skus.all())}; add it with PUT /api/inventory/items/${input.sku}`);
      }
      const dictionary = this.current();
      if (!dictionary) throw new InventoryError('INVALID_INPUT', 'figure', 'figure: there is no semantic dictionary yet; define the source figures with PUT /api/fusion/dictionary first');
      const name = `${input.source}.${input.figure}`;
      const definition = dictionary.sourceFigures.get(name);
      if (!definition) {
        const own = [...dictionary.sourceFigures.values()].filter((f) => f.owner === input.source).map((f) => f.figure);
        throw new InventoryError('INVALID_INPUT', 'figure', `figure: the dictionary (version ${dictionary.version}) does not define ${name}${didYouMean(String(input.figure), own)}; ${input.source} reports ${own.join(', ') || 'nothing yet'}`);
      }
      if (typeof input.value !== 'number' || !Number.isFinite(input.value) || input.value < 0 || Math.round(input.value * 1000) / 1000 !== input.value) {
        throw new InventoryError('INVALID_INPUT', 'value', `value: ${JSON.stringify(input.value)} is not a quantity; expected a number of 0 or more with at most 3 decimals`);
      }
      if (input.raw !== undefined && input.raw !== null && (typeof input.raw !== 'string' || input.raw.length > MAX_RAW_CHARS)) {
        throw new InventoryError('INVALID_INPUT', 'raw', `raw: expected the message as received, text of at most ${MAX_RAW_CHARS} characters`);
      }
      if (input.observedAt !== undefined && input.observedAt !== null && !Number.isSafeInteger(input.observedAt)) {
        throw new InventoryError('INVALID_INPUT', 'observedAt', 'observedAt: expected epoch milliseconds, a whole number');
      }

      const now = this.now();
      const cells = this.cellsOf(input.sku, dictionary, sources);
      const expected = definition.sets ? cells.input(definition.sets.bucket, definition.sets.channel).value : cells.evaluate(definition).value;
      const check = trustCheck(source, input.value, expected);
      const raw = input.raw ?? JSON.stringify({ source: input.source, messageId: input.messageId, sku: input.sku, figure: input.figure, value: input.value, observedAt: input.observedAt ?? null });
      const { lastInsertRowid } = this.db.prepare(`
        INSERT INTO fusion_report (source, message_id, sku, figure, value, raw, observed_at, received_at, dictionary_version, bucket, channel,
          expected, allowed_deviation, status, status_reason, actor)
        VALUES (@source, @messageId, @sku, @figure, @value, @raw, @observedAt, @now, @version, @bucket, @channel, @expected, @allowed, @status, @reason, @actor)
      `).run({
        source: input.source, messageId: input.messageId, sku: input.sku, figure: input.figure, value: input.value, raw,
        observedAt: input.observedAt ?? now, now, version: dictionary.version, bucket: definition.sets?.bucket ?? null,
        channel: definition.sets?.channel ?? null, expected, allowed: check.allowedDeviation,
        status: check.needsConfirmation ? 'pending' : 'applied', reason: check.reason, actor,
      });
      const report = this.reportById(Number(lastInsertRowid))!;
      if (report.status === 'pending') return { report, duplicate: false, changed: [] };
      this.apply(report);
      return { report, duplicate: false, changed: this.recompute(report.sku, dictionary, `report ${report.id}`) };
    }).immediate();
  }

  confirm(reportId: number, actor: string): ReportOutcome {
    return this.db.transaction((): ReportOutcome => {
      const pending = this.pendingReport(reportId, 'confirm');
      this.db.prepare(`UPDATE fusion_report SET status = 'applied', decided_by = ?, decided_at = ? WHERE id = ?`).run(actor, this.now(), reportId);
      const report = this.reportById(reportId)!;
      this.apply(report);
      return { report, duplicate: false, changed: this.recompute(pending.sku, this.current()!, `confirm ${reportId}`) };
    }).immediate();
  }

  reject(reportId: number, actor: string, reason: string | null): Report {
    return this.db.transaction(() => {
      this.pendingReport(reportId, 'reject');
      this.db.prepare(`UPDATE fusion_report SET status = 'rejected', status_reason = coalesce(?, status_reason), decided_by = ?, decided_at = ? WHERE id = ?`)
        .run(reason, actor, this.now(), reportId);
      return this.reportById(reportId)!;
    }).immediate();
  }

  private pendingReport(reportId: number, verb: string): Report {
    const report = this.reportById(reportId);
    if (!report) throw new InventoryError('INVALID_INPUT', 'id', `id: no fusion report ${reportId}; GET /api/fusion/reports?status=pending lists those waiting`);
    if (report.status !== 'pending') {
      throw new InventoryError('CONFLICT', 'id', `report ${reportId} is ${report.status}${report.decidedBy ? ` (by ${report.decidedBy})` : ''}; only a pending report can be ${verb}ed`);
    }
    return report;
  }

  /** Makes an applied report its source's value for its cell (or composite figure), unless that source has sent a newer one. */
  private apply(report: Report): void {
    if (report.bucket) {
      this.db.prepare(`
        INSERT INTO fusion_cell (sku, bucket, channel, source, report_id, value, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (sku, bucket, channel, source) DO UPDATE SET report_id = excluded.report_id, value = excluded.value, observed_at = excluded.observed_at
          WHERE excluded.observed_at >= fusion_cell.observed_at
      `).run(report.sku, report.bucket, report.channel ?? '', report.source, report.id, report.value, report.observedAt);
    } else {
      this.db.prepare(`
        INSERT INTO fusion_observed (sku, figure, report_id, observed_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (sku, figure) DO UPDATE SET report_id = excluded.report_id, observed_at = excluded.observed_at
          WHERE excluded.observed_at >= fusion_observed.observed_at
      `).run(report.sku, `${report.source}.${report.figure}`, report.id, report.observedAt);
    }
  }

  private cellsOf(sku: string, dictionary: CompiledDictionary, sources: Map<string, Source>): SkuCells {
    const rows = this.db.prepare(`
      SELECT c.bucket, c.channel, c.source, c.report_id, c.value, c.observed_at, r.message_id, r.raw, r.received_at, r.dictionary_version
      FROM fusion_cell c JOIN fusion_report r ON r.id = c.report_id WHERE c.sku = ?
    `).all(sku) as CellRow[];
    const candidates: CellCandidate[] = rows.flatMap((r) => {
      const source = sources.get(r.source);
      return source ? [{
        source, bucket: r.bucket as BucketName, channel: r.channel === '' ? null : r.channel, value: r.value, reportId: r.report_id,
        observedAt: r.observed_at, messageId: r.message_id, raw: r.raw, receivedAt: r.received_at, mappingVersion: r.dictionary_version,
      }] : [];
    });
    const core = this.deps.coreBuckets?.(sku);
    if (core && core.length > 0) {
      const now = this.now();
      const source = sources.get(CORE_SOURCE)!;
      for (const c of core) {
        candidates.push({ source, bucket: c.bucket, channel: c.channel, value: c.value, reportId: null, observedAt: now, messageId: null, raw: c.explain, receivedAt: now, mappingVersion: null });
      }
    }
    return new SkuCells(sku, candidates, dictionary);
  }

  /** Recomputes a SKU's target figures; stores and returns those whose value or inputs changed. */
  private recompute(sku: string, dictionary: CompiledDictionary, cause: string): ReportOutcome['changed'] {
    const now = this.now();
    const cells = this.cellsOf(sku, dictionary, this.sourceMap());
    const latest = this.db.prepare('SELECT value, signature FROM fusion_figure_value WHERE sku = ? AND figure = ? ORDER BY id DESC LIMIT 1');
    const insert = this.db.prepare(`
      INSERT INTO fusion_figure_value (sku, figure, value, dictionary_version, computed_at, cause, signature, lineage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    `);
    const changed: ReportOutcome['changed'] = [];
    for (const target of dictionary.targets) {
      const figure = cells.figure(target, now);
      const signature = signatureOf(figure);
      const before = latest.get(sku, target.name) as { value: number | null; signature: string } | undefined;
      if (before?.signature === signature) continue;
      insert.run(sku, target.name, figure.value, dictionary.version, now, cause, signature, JSON.stringify(figure));
      if (before === undefined || before.value !== figure.value) changed.push({ ...figure, previous: before?.value ?? null });
    }
    return changed;
  }

  private recomputeAll(cause: string): void {
    const dictionary = this.current();
    if (!dictionary) return;
    const skus = this.db.prepare('SELECT DISTINCT sku FROM fusion_cell').pluck().all() as string[];
    for (const sku of skus) this.recompute(sku, dictionary, cause);
  }

  reportById(id: number): Report | undefined {
    const row = this.db.prepare('SELECT * FROM fusion_report WHERE id = ?').get(id) as ReportRow | undefined;
    return row && reportOf(row);
  }

  reports(filter: { sku?: string; status?: ReportStatus; limit?: number }): Report[] {
    const limit = Math.min(Math.max(1, filter.limit ?? 100), MAX_REPORTS_LIMIT);
    return (this.db.prepare(`
      SELECT * FROM fusion_report WHERE (@sku IS NULL OR sku = @sku) AND (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit
    `).all({ sku: filter.sku ?? null, status: filter.status ?? null, limit }) as ReportRow[]).map(reportOf);
  }

  skus(): string[] {
    const reported = this.db.prepare('SELECT DISTINCT sku FROM fusion_report').pluck().all() as string[];
    return [...new Set([...reported, ...this.deps.skus.all()])].sort();
  }

  private checkSku(sku: string): void {
    checkCode(sku, 'sku', 'a SKU');
    if (!this.deps.skus.has(sku)) throw new InventoryError('UNKNOWN_SKU', 'sku', `sku: no item "${sku}"${didYouMean(sku, this.deps.skus.all())}`);
  }

  figures(sku: string): SkuFusion {
    this.checkSku(sku);
    const dictionary = this.current();
    const pending = (this.db.prepare(`SELECT * FROM fusion_report WHERE sku = ? AND status = 'pending' ORDER BY id`).all(sku) as ReportRow[]).map(reportOf);
    if (!dictionary) return { sku, buckets: [], figures: [], observed: [], pending };
    // With the core wired its buckets move without reports: store what changed since.
    if (this.deps.coreBuckets) this.db.transaction(() => this.recompute(sku, dictionary, 'core')).immediate();
    const cells = this.cellsOf(sku, dictionary, this.sourceMap());
    const now = this.now();
    const observedRows = this.db.prepare(`
      SELECT r.* FROM fusion_observed o JOIN fusion_report r ON r.id = o.report_id WHERE o.sku = ? ORDER BY o.figure
    `).all(sku) as ReportRow[];
    const observed: ObservedFigure[] = observedRows.map((row) => {
      const report = reportOf(row);
      const name = `${report.source}.${report.figure}`;
      const definition = dictionary.sourceFigures.get(name);
      if (!definition) {
        return { sku, figure: name, value: report.value, report, check: { expected: null, difference: null, formula: '', filled: '', inputs: [], missing: [] } };
      }
      const { value, filled, inputs, missing } = cells.evaluate(definition);
      return {
        sku, figure: name, value: report.value, report,
        check: { expected: value, difference: value === null ? null : Math.round((report.value - value) * 1000) / 1000, formula: definition.text, filled, inputs, missing },
      };
    });
    return {
      sku,
      buckets: cells.cells().map((c) => ({ bucket: c.bucket, channel: c.channel, value: c.value, source: c.source, reportId: c.reportId, rule: c.rule.id })),
      figures: dictionary.targets.map((t) => cells.figure(t, now)),
      observed,
      pending,
    };
  }

  lineage(sku: string, figure: string, at?: number): FigureLineage | undefined {
    this.checkSku(sku);
    const dictionary = this.current();
    const targets = dictionary?.targets.map((t) => t.name) ?? [];
    if (at === undefined) {
      if (!targets.includes(figure)) throw new InventoryError('INVALID_INPUT', 'figure', `figure: the dictionary defines no target figure "${figure}"${didYouMean(figure, targets)}; the targets are ${targets.join(', ') || 'none yet'}`);
      return this.figures(sku).figures.find((f) => f.figure === figure);
    }
    const row = this.db.prepare(`
      SELECT lineage FROM fusion_figure_value WHERE sku = ? AND figure = ? AND computed_at <= ? ORDER BY id DESC LIMIT 1
    `).get(sku, figure, at) as { lineage: string } | undefined;
    return row && JSON.parse(row.lineage);
  }
}
