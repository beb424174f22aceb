/**
 * Opens the scan part on the cloud's SQLite file (migrations are applied by the store): the 4D
 * scan records fed by `scan.decision` edge events, quarantine reconciliation, shelf alarm days
 * and maintenance tickets (evaluated on a timer), and what the web routes read.
 *
 * Composition (cloud-service.ts): call `onEvent` for every copy of every edge event (it is
 * idempotent by the event's id), `onLotChanged` for every lot master data changes, and `close`
 * on shutdown.
 */
import type { LotRecord } from '../../config/master-data-schema.ts';
import type { EdgeEvent } from '../../connectors/edge-link/index.ts';
import { openDatabase } from '../store/database.ts';
import { LotHistories, type LotHistory } from './lot-history.ts';
import { MaintenanceTickets, type MaintenanceTicket } from './maintenance-tickets.ts';
import { QuarantineReconciliation, type ScanAlert } from './quarantine-reconciliation.ts';
import type { ScanDeps } from './scan-deps.ts';
import { scanRecordOf } from './scan-event.ts';
import { ScanRecords, type DeviceSighting, type ScanPage, type ScanQuery } from './scan-records.ts';
import { ShelfAlarmDays } from './shelf-alarm-days.ts';
import { ShelfOverview, type Shelf, type ShelfHistory } from './shelf-overview.ts';
import { ShelfTelemetry } from './shelf-telemetry.ts';

/** How often shelves are checked for alarm days and ticket streaks. */
export const EVALUATE_EVERY_MS = 60_000;

/** What the web routes (cloud/web/routes/scans.ts) read. */
export interface ScansApi {
  list(query: ScanQuery): ScanPage;
  alerts(): ScanAlert[];
  shelves(): Shelf[];
  /** Undefined for a location master data does not have. */
  shelfHistory(code: string, from: number, to: number): ShelfHistory | undefined;
  /** Undefined when the cloud neither knows the lot nor has a scan of it. */
  lotHistory(gtin: string, batch: string): LotHistory | undefined;
  tickets(): MaintenanceTicket[];
  now(): number;
}

export interface OpenScans {
  api: ScansApi;
  records: ScanRecords;
  /** Hand every edge event to it after storing it (idempotent); never throws. */
  onEvent(group: string, edge: string, event: EdgeEvent): void;
  /** Hand every changed lot to it; never throws. */
  onLotChanged(lot: LotRecord): void;
  /** For the device registry: a device's latest scan and its operator. */
  lastSeenOf(device: string): DeviceSighting | null;
  /** Refreshes alarm days (all of them with `full`) and opens tickets for new streaks; returns those opened. */
  evaluate(now?: number, options?: { full?: boolean }): MaintenanceTicket[];
  close(): void;
}

export interface OpenScansOptions extends ScanDeps {
  /** Default EVALUATE_EVERY_MS; 0 turns the timer off (tests call evaluate themselves). */
  evaluateEveryMs?: number;
}

export function openScans(file: string, deps: OpenScansOptions): OpenScans {
  const { clock, logger } = deps;
  const db = openDatabase(file);
  let timer: unknown;
  let closed = false;
  try {
    const telemetry = new ShelfTelemetry(deps.telemetry);
    const records = new ScanRecords(db);
    const reconciliation = new QuarantineReconciliation(db, records, () => clock.now());
    const alarmDays = new ShelfAlarmDays(db, telemetry);
    const tickets = new MaintenanceTickets(db, alarmDays);
    const shelves = new ShelfOverview(deps, telemetry, alarmDays, tickets);
    const lots = new LotHistories(deps, telemetry);

    const evaluate = (now = clock.now(), options: { full?: boolean } = {}): MaintenanceTicket[] => {
      const locations = deps.locations();
      alarmDays.refresh(locations, now, options);
      const opened = tickets.evaluate(locations, now);
      for (const t of opened) logger.info({ ticket: t.id, location: t.location, days: t.days }, `maintenance ticket opened: ${t.reason}`);
      return opened;
    };

    const everyMs = deps.evaluateEveryMs ?? EVALUATE_EVERY_MS;
    const tick = () => {
      if (closed) return;
      try {
        evaluate();
      } catch (error) {
        logger.warn({ err: error }, 'could not evaluate shelf alarm days; trying again at the next tick');
      }
      timer = clock.setTimeout(tick, everyMs);
    };
    if (everyMs > 0) timer = clock.setTimeout(tick, 0);

    const api: ScansApi = {
      list: (query) => records.list(query),
      alerts: () => reconciliation.list(),
      shelves: () => shelves.shelves(clock.now()),
      shelfHistory: (code, from, to) => shelves.history(code, from, to),
      lotHistory: (gtin, batch) => {
        const scans = records.ofLot(gtin, batch);
        const history = lots.historyOf(gtin, batch, scans, clock.now());
        return scans.length === 0 && history.stays.length === 0 && !deps.lotOf(gtin, batch) ? undefined : history;
      },
      tickets: () => tickets.list(),
      now: () => clock.now(),
    };

    return {
      api,
      records,
      onEvent: (group, edge, event) => {
        try {
          const parsed = scanRecordOf(group, edge, event, clock.now());
          if (!parsed) return;
          if (!parsed.ok) {
            logger.warn({ group, edge, id: event.id, problem: parsed.problem }, 'a scan.decision event does not parse; it stays stored as an edge event but makes no scan record');
            return;
          }
          const { record } = records.add(parsed.record);
          // Every copy is reconciled: a crash between storing and reconciling is made good by the replay.
          if (record.gtin !== null && record.batch !== null) reconciliation.onScan(record, deps.lotOf(record.gtin, record.batch));
        } catch (error) {
          logger.warn({ err: error, group, edge, id: event.id }, 'could not record a scan event; it is recorded again if the gateway sends it again');
        }
      },
      onLotChanged: (lot) => {
        try {
          reconciliation.onLotChanged(lot);
        } catch (error) {
          logger.warn({ err: error, lot: `${lot.gtin}/${lot.batch}` }, 'could not reconcile scans with a changed lot');
        }
      },
      lastSeenOf: (device) => records.lastSeenOf(device),
      evaluate,
      close: () => {
        closed = true;
        if (timer !== undefined) clock.clearTimeout(timer);
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
