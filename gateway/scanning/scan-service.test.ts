/**
 * The scan service's promise that an answered scan is recorded: when the outbox (a real SQLite
 * outbox, closed under it) cannot commit the scan's event, the device hears a block saying the
 * scan was not booked, nothing is remembered as decided, and a later scan is decided normally
 * once the outbox takes writes again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../devices/scan-protocol.ts';
import { openSqliteOutbox, type SqliteOutbox } from '../outbox/sqlite-outbox.ts';
import { DeviceReadings } from './environment.ts';
import { createScanDecider } from './scan-decider.ts';
import { createScanService } from './scan-service.ts';
import { MemoryMasterData } from './testing/memory-master-data.ts';
import { defaultMatrix, label, lots, matrixPermissions, siteRecords, T0 } from './testing/scan-world.ts';

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

function service(outbox: () => SqliteOutbox) {
  const sent: Decision[] = [];
  const decider = createScanDecider({
    masterData: new MemoryMasterData(siteRecords()),
    environment: { latest: () => ({ value: 4, quality: 'good', ts: T0 }) },
    permissions: matrixPermissions(defaultMatrix),
  });
  const scans = createScanService({
    decider, outbox: { append: (rows) => outbox().append(rows) }, notify: () => {},
    publish: async (_topic, payload) => { sent.push(JSON.parse(payload) as Decision); },
    readings: new DeviceReadings(), masterDataVersion: () => 7, offline: () => true,
    clock: { now: () => T0 } as never, logger: pino({ level: 'silent' }),
  });
  return { scans, sent };
}

describe('scan service: recording before answering', () => {
  it('answers NOT_RECORDED when the outbox refuses the event, and decides the same scan id again once it takes writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgestock-scan-service-'));
    dirs.push(dir);
    let outbox = openSqliteOutbox({ path: join(dir, 'outbox.sqlite'), maxBytes: 1 << 20 });
    const { scans, sent } = service(() => outbox);
    const scan = { scanId: 's1', operator: 'op-anna', op: 'putaway', code: label(lots.good), location: 'B13' };
    outbox.close();
    scans.onMessage('pda-01', 'scan', Buffer.from(JSON.stringify(scan)));
    await scans.idle();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ scanId: 's1', verdict: 'block', signal: 'vibrate', reasons: [{ code: 'NOT_RECORDED' }] });
    expect(sent[0]!.prompt.zh).toContain('未记账');
    expect(scans.stats().notRecorded).toBe(1);

    outbox = openSqliteOutbox({ path: join(dir, 'outbox.sqlite'), maxBytes: 1 << 20 });
    scans.onMessage('pda-01', 'scan', Buffer.from(JSON.stringify(scan)));
    await scans.idle();
    expect(sent[1]).toMatchObject({ scanId: 's1', verdict: 'allow' });
    expect(outbox.stats().rows).toBe(1);
    outbox.close();
  });
});
