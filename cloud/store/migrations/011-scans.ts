/**
 * Scans as the cloud keeps them (cloud/scans/, issue 6):
 *
 * - `scan_record`: the 4D record of every `scan.decision` edge event (device, operator, location,
 *   product/lot, time) with the gateway's verdict. Stored once per (group, edge, event id), so a
 *   replayed outbox adds nothing; `seq` is the cloud's arrival order, which the live feed pages by.
 * - `scan_alert` and `scan_alert_scan`: reconciliation findings, e.g. a lot the cloud had
 *   quarantined that a gateway still allowed (it decided with older master data while offline).
 *   One open alert per kind and lot; the scans it names are rows of `scan_alert_scan`.
 * - `shelf_alarm_day`: per shelf and UTC day, how many telemetry samples were outside the shelf's
 *   range and the worst of them; recomputed from telemetry, read by the shelf view and the tickets.
 * - `maintenance_ticket`: three alarm days in a row at one shelf; `last_day` grows while the streak
 *   goes on, so one streak opens one ticket.
 */
import type { Migration } from '../migrations.ts';

export const scans011: Migration = {
  version: 11,
  name: 'scans',
  up: `
    CREATE TABLE scan_record (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      event_id TEXT NOT NULL,
      scan_id TEXT NOT NULL,
      device TEXT NOT NULL,
      operator TEXT NOT NULL,
      op TEXT NOT NULL,
      code TEXT NOT NULL,
      location TEXT,
      gtin TEXT,
      batch TEXT,
      serial TEXT,
      qty REAL,
      verdict TEXT NOT NULL,
      reasons_json TEXT NOT NULL,
      prompt_json TEXT NOT NULL,
      offline INTEGER NOT NULL,
      master_data_version INTEGER NOT NULL,
      at INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      UNIQUE (grp, edge, event_id)
    ) STRICT;
    CREATE INDEX scan_record_by_device ON scan_record (device, at);
    CREATE INDEX scan_record_by_lot ON scan_record (gtin, batch, at);
    CREATE INDEX scan_record_by_location ON scan_record (location, seq);
    CREATE INDEX scan_record_by_verdict ON scan_record (verdict, seq);

    CREATE TABLE scan_alert (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL,
      gtin TEXT NOT NULL,
      batch TEXT NOT NULL,
      -- 'open' or 'closed'
      status TEXT NOT NULL,
      quarantined_at INTEGER NOT NULL,
      reason TEXT,
      message TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX scan_alert_open_per_lot ON scan_alert (kind, gtin, batch) WHERE status = 'open';

    CREATE TABLE scan_alert_scan (
      alert_id INTEGER NOT NULL REFERENCES scan_alert (id),
      scan_seq INTEGER NOT NULL REFERENCES scan_record (seq),
      PRIMARY KEY (alert_id, scan_seq)
    ) STRICT;

    CREATE TABLE shelf_alarm_day (
      location TEXT NOT NULL,
      -- YYYY-MM-DD, UTC
      day TEXT NOT NULL,
      excursions INTEGER NOT NULL,
      -- 'temperature' or 'humidity', the value furthest outside its range, and when
      worst_measure TEXT,
      worst_value REAL,
      worst_ts INTEGER,
      evaluated_at INTEGER NOT NULL,
      PRIMARY KEY (location, day)
    ) STRICT;

    CREATE TABLE maintenance_ticket (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      location TEXT NOT NULL,
      reason TEXT NOT NULL,
      -- the three days that opened it, YYYY-MM-DD
      days_json TEXT NOT NULL,
      -- the streak's last alarm day so far; a streak is one ticket
      last_day TEXT NOT NULL,
      -- 'open' or 'closed'
      status TEXT NOT NULL,
      opened_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX maintenance_ticket_by_location ON maintenance_ticket (location, last_day);
  `,
};
