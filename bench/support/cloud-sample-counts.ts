/**
 * Read-only counts over a running cloud's telemetry file, for benches that check what the cloud
 * stored while it is still storing (WAL: this reader never blocks the ingest's writes).
 *
 * It reads the tables of cloud/store/migrations/001-telemetry.ts directly: the TelemetryStore
 * interface has no count by time range, and the HTTP API would page 100,000 samples as JSON.
 * A sample is unique per (metric, ts) there, so a count is a count of distinct samples.
 */
import Database from 'better-sqlite3';

export interface DeviceSampleCounts {
  /** Samples with ts <= the boundary (the pre-filled backlog). */
  atOrBefore: number;
  /** Samples with ts > the boundary (live data). */
  after: number;
  /** Newest ts among the samples after the boundary, or null. */
  newestAfterTs: number | null;
}

export interface CloudSampleCounts {
  /** Counts for one Sparkplug device, split at `boundaryTs`. */
  device(boundaryTs: number): DeviceSampleCounts;
  close(): void;
}

export function openCloudSampleCounts(storeFile: string, device: { group: string; edge: string; device: string }): CloudSampleCounts {
  const db = new Database(storeFile, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const counts = db.prepare(`
    SELECT
      COALESCE(SUM(s.ts <= @boundary), 0) AS atOrBefore,
      COALESCE(SUM(s.ts > @boundary), 0) AS after,
      MAX(CASE WHEN s.ts > @boundary THEN s.ts END) AS newestAfterTs
    FROM metric m JOIN sample s ON s.metric_id = m.id
    WHERE m.grp = @group AND m.edge = @edge AND m.device = @device
  `);
  return {
    device: (boundaryTs) => counts.get({ boundary: boundaryTs, ...device }) as DeviceSampleCounts,
    close: () => db.close(),
  };
}
