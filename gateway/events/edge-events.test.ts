import { afterEach, describe, expect, it } from 'vitest';
import { edgeEventSchema, MAX_EDGE_EVENT_BYTES } from '../../connectors/edge-link/index.ts';
import { SqliteOutbox } from '../outbox/sqlite-outbox.ts';
import { EdgeEventError, EdgeEvents } from './edge-events.ts';
import { EdgeLinkOutbox } from './edge-link-outbox.ts';

const outboxes: SqliteOutbox[] = [];
afterEach(() => {
  for (const outbox of outboxes.splice(0)) outbox.close();
});

function setup(now = () => 1_700_000_000_000) {
  const outbox = new SqliteOutbox({ path: ':memory:', maxBytes: 1 << 20 });
  outboxes.push(outbox);
  let notified = 0;
  const clock = { now, setTimeout: () => 0, clearTimeout: () => {} };
  const events = new EdgeEvents({ link: new EdgeLinkOutbox({ outbox, notify: () => notified++, clock }), clock });
  return { outbox, events, notified: () => notified };
}

describe('EdgeEvents', () => {
  it('commits one outbox row on the event channel with { id, type, at, body } and wakes the publisher', () => {
    const { outbox, events, notified } = setup();
    const id = events.emit('connector.link', { connector: 'shelf', state: 'down', error: 'LINK_DOWN' });
    const [row, ...rest] = outbox.peek(10);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ kind: 'event', device: 'event', tag: id, quality: 'good', ts: 1_700_000_000_000 });
    const message = JSON.parse(String(row!.value));
    expect(message).toEqual({ id, type: 'connector.link', at: 1_700_000_000_000, body: { connector: 'shelf', state: 'down', error: 'LINK_DOWN' } });
    expect(edgeEventSchema.safeParse(message).success).toBe(true);
    expect(notified()).toBe(1);
    expect(events.stats()).toEqual({ emitted: 1, failed: 0 });
  });

  it('gives each event a new sortable id', () => {
    const { events } = setup();
    const ids = [events.emit('test.tick', {}), events.emit('test.tick', {})];
    expect(ids[0]).toMatch(/^ev-[0-9a-z]{9}-0000-[0-9a-z]{4}$/);
    expect(ids[1]! > ids[0]!).toBe(true);
  });

  it('keeps an id the producer chose, so the same cause is recorded once', () => {
    const { outbox, events } = setup();
    expect(events.emit('scan.decision', { scan: 's-1', decision: 'ship-first' }, { id: 'scan-s-1' })).toBe('scan-s-1');
    expect(outbox.peek(1)[0]!.tag).toBe('scan-s-1');
  });

  it('refuses an event the cloud would reject, naming the field, and queues nothing', () => {
    const { outbox, events } = setup();
    expect(() => events.emit('Link Down', {})).toThrow(EdgeEventError);
    expect(() => events.emit('Link Down', {})).toThrow(/type: expected a dotted lower-case name/);
    expect(() => events.emit('test.tick', {}, { id: 'has space' })).toThrow(/id: expected 1 to 128 printable ASCII/);
    expect(() => events.emit('test.big', { blob: 'x'.repeat(MAX_EDGE_EVENT_BYTES) })).toThrow(/expected at most 65536/);
    expect(outbox.count()).toBe(0);
    expect(events.stats()).toEqual({ emitted: 0, failed: 4 });
  });

  it('throws when the outbox cannot commit the row, so the producer knows the event is not queued', () => {
    const { outbox, events } = setup();
    outbox.close();
    expect(() => events.emit('test.tick', {})).toThrow();
    expect(events.stats().failed).toBe(1);
  });

  it('sends an absent body as null', () => {
    const { outbox, events } = setup();
    events.emit('test.tick', undefined);
    expect(JSON.parse(String(outbox.peek(1)[0]!.value)).body).toBeNull();
  });
});
