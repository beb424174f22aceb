import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTelemetryStore } from '../store/telemetry-store.ts';
import { openEdgeEventStore } from './sqlite-edge-event-store.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A cloud SQLite file with every migration applied, as the cloud opens it. */
function cloudFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-events-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'cloud.sqlite');
  openTelemetryStore(file).close();
  return file;
}

function open(file: string) {
  const opened = openEdgeEventStore(file);
  cleanups.push(() => opened.close());
  return opened.events;
}

const link = (id: string, at: number, state: 'up' | 'down') => ({ id, type: 'connector.link', at, body: { connector: 'shelf', state } });

describe('SqliteEdgeEventStore', () => {
  it('stores an event once per gateway and id, also after the file is reopened', () => {
    const file = cloudFile();
    const events = open(file);
    expect(events.add('plant', 'gw1', link('ev-1', 100, 'down'), 1_000)).toBe(true);
    expect(events.add('plant', 'gw1', link('ev-1', 100, 'down'), 2_000)).toBe(false);
    expect(open(file).add('plant', 'gw1', link('ev-1', 100, 'down'), 3_000)).toBe(false);
    // The same id from another gateway is another event.
    expect(events.add('plant', 'gw2', link('ev-1', 100, 'down'), 1_000)).toBe(true);
    expect(events.list('plant', 'gw1', { limit: 10 })).toEqual([
      { group: 'plant', edge: 'gw1', id: 'ev-1', type: 'connector.link', at: 100, receivedAt: 1_000, body: { connector: 'shelf', state: 'down' } },
    ]);
  });

  it('lists newest first by the gateway\'s time, whatever the arrival order, with a limit and a type filter', () => {
    const events = open(cloudFile());
    events.add('plant', 'gw1', link('ev-3', 300, 'up'), 1_000);
    events.add('plant', 'gw1', link('ev-1', 100, 'down'), 1_001); // replayed after an outage
    events.add('plant', 'gw1', { id: 'ev-2', type: 'rule.action', at: 200, body: { rule: 'r1' } }, 1_002);
    events.add('plant', 'gw1', { id: 'ev-0', type: 'alert.raised', at: 300, body: null }, 1_003);
    expect(events.list('plant', 'gw1', { limit: 10 }).map((e) => e.id)).toEqual(['ev-3', 'ev-0', 'ev-2', 'ev-1']);
    expect(events.list('plant', 'gw1', { limit: 2 }).map((e) => e.id)).toEqual(['ev-3', 'ev-0']);
    expect(events.list('plant', 'gw1', { limit: 10, type: 'connector.link' }).map((e) => e.id)).toEqual(['ev-3', 'ev-1']);
    expect(events.list('plant', 'gw1', { limit: 10, type: 'alert.raised' })[0]!.body).toBeNull();
    expect(events.list('plant', 'other', { limit: 10 })).toEqual([]);
  });
});
