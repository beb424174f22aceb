/**
 * The behaviour every Outbox implementation must show (STYLE.md rule 4: a seam with two
 * implementations has one shared suite). Call it from the implementation's own test file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Outbox, OutboxInput } from './outbox.ts';

export interface OutboxHarness {
  /**
   * Opens the outbox under test; opening again after close() must reach the same data: every
   * outbox is durable (DESIGN.md: nothing acknowledged is lost).
   */
  open(options: { maxBytes: number }): Outbox;
  /** Removes whatever open() created. */
  cleanup(): void;
}

const BIG_BUDGET = 64 * 1024 * 1024;

export function sample(i: number, overrides: Partial<OutboxInput> = {}): OutboxInput {
  return { device: 'shelf-sensors', tag: `B1${i % 8}/temperature`, value: 4 + i / 10, quality: 'good', ts: 1_700_000_000_000 + i, ...overrides };
}

export function describeOutboxConformance(name: string, createHarness: () => OutboxHarness): void {
  describe(`${name} (outbox conformance)`, () => {
    let harness: OutboxHarness;
    const opened: Outbox[] = [];
    const open = (maxBytes = BIG_BUDGET) => {
      const outbox = harness.open({ maxBytes });
      opened.push(outbox);
      return outbox;
    };
    const fresh = (maxBytes = BIG_BUDGET) => {
      harness = createHarness();
      return open(maxBytes);
    };

    afterEach(() => {
      for (const outbox of opened.splice(0)) outbox.close();
      harness?.cleanup();
    });

    it('returns appended records oldest first, in append order, with increasing seqs', () => {
      const outbox = fresh();
      const last = outbox.append([sample(0), sample(1), sample(2)]);
      outbox.append([sample(3)]);
      const records = outbox.peek(10);
      expect(records.map((r) => r.ts)).toEqual([0, 1, 2, 3].map((i) => sample(i).ts));
      expect(records[2].seq).toBe(last);
      for (let i = 1; i < records.length; i++) expect(records[i].seq).toBeGreaterThan(records[i - 1].seq);
    });

    it('peek respects the limit and removes nothing', () => {
      const outbox = fresh();
      outbox.append(Array.from({ length: 5 }, (_, i) => sample(i)));
      expect(outbox.peek(2).map((r) => r.ts)).toEqual([sample(0).ts, sample(1).ts]);
      expect(outbox.peek(2).map((r) => r.ts)).toEqual([sample(0).ts, sample(1).ts]);
      expect(outbox.stats().rows).toBe(5);
    });

    it('an empty append changes nothing and returns the current last seq', () => {
      const outbox = fresh();
      const last = outbox.append([sample(0)]);
      expect(outbox.append([])).toBe(last);
      expect(outbox.stats().rows).toBe(1);
    });

    it('round-trips every scalar type, quality, error code and kind', () => {
      const outbox = fresh();
      outbox.append([
        sample(0, { value: -12.5 }),
        sample(1, { value: 42 }),
        sample(2, { value: true }),
        sample(3, { value: false }),
        sample(4, { value: 'door open · 门开' }),
        sample(5, { value: '123' }),
        sample(6, { value: null, quality: 'bad', error: 'LINK_DOWN' }),
        sample(7, { value: 1, quality: 'uncertain' }),
        sample(8, { kind: 'event', value: '{"scan":"0123"}' }),
      ]);
      const got = outbox.peek(20).map(({ seq: _seq, ...rest }) => rest);
      expect(got).toEqual([
        { ...sample(0), kind: 'sample', value: -12.5 },
        { ...sample(1), kind: 'sample', value: 42 },
        { ...sample(2), kind: 'sample', value: true },
        { ...sample(3), kind: 'sample', value: false },
        { ...sample(4), kind: 'sample', value: 'door open · 门开' },
        { ...sample(5), kind: 'sample', value: '123' },
        { ...sample(6), kind: 'sample', value: null, quality: 'bad', error: 'LINK_DOWN' },
        { ...sample(7), kind: 'sample', value: 1, quality: 'uncertain' },
        { ...sample(8), kind: 'event', value: '{"scan":"0123"}' },
      ]);
    });

    it('ack removes every record up to and including the seq, and only those', () => {
      const outbox = fresh();
      outbox.append(Array.from({ length: 6 }, (_, i) => sample(i)));
      const seqs = outbox.peek(10).map((r) => r.seq);
      outbox.ack(seqs[2]);
      expect(outbox.peek(10).map((r) => r.seq)).toEqual(seqs.slice(3));
      expect(outbox.stats()).toMatchObject({ rows: 3, acked: 3, appended: 6 });
    });

    it('acking an already acked seq is a no-op; acking past the end empties the outbox', () => {
      const outbox = fresh();
      outbox.append(Array.from({ length: 4 }, (_, i) => sample(i)));
      const seqs = outbox.peek(10).map((r) => r.seq);
      outbox.ack(seqs[1]);
      outbox.ack(seqs[0]);
      expect(outbox.stats().rows).toBe(2);
      outbox.ack(seqs[3] + 1000);
      expect(outbox.stats()).toMatchObject({ rows: 0, bytes: 0, acked: 4, oldestTs: null });
    });

    it('peeks and counts within a seq window', () => {
      const outbox = fresh();
      outbox.append(Array.from({ length: 6 }, (_, i) => sample(i)));
      const seqs = outbox.peek(10).map((r) => r.seq);
      expect(outbox.peek(10, { afterSeq: seqs[3] }).map((r) => r.seq)).toEqual(seqs.slice(4));
      expect(outbox.peek(10, { throughSeq: seqs[1] }).map((r) => r.seq)).toEqual(seqs.slice(0, 2));
      expect(outbox.peek(2, { afterSeq: seqs[0], throughSeq: seqs[4] }).map((r) => r.seq)).toEqual(seqs.slice(1, 3));
      expect(outbox.count({ throughSeq: seqs[2] })).toBe(3);
      expect(outbox.count({ afterSeq: seqs[2] })).toBe(3);
      expect(outbox.count()).toBe(6);
    });

    it('ackRange removes only the records in the range, leaving older ones queued', () => {
      const outbox = fresh();
      outbox.append(Array.from({ length: 6 }, (_, i) => sample(i)));
      const seqs = outbox.peek(10).map((r) => r.seq);
      const bytesBefore = outbox.stats().bytes;
      outbox.ackRange(seqs[3], seqs[4]);
      expect(outbox.peek(10).map((r) => r.seq)).toEqual([seqs[0], seqs[1], seqs[2], seqs[5]]);
      expect(outbox.stats()).toMatchObject({ rows: 4, acked: 2 });
      expect(outbox.stats().bytes).toBeLessThan(bytesBefore);
      outbox.ackRange(seqs[3], seqs[4]); // again: a no-op
      outbox.ackRange(seqs[2], seqs[1]); // empty range: a no-op
      expect(outbox.stats()).toMatchObject({ rows: 4, acked: 2 });
    });

    it('lastSeq is the newest seq ever appended, kept after acks and reopening', () => {
      harness = createHarness();
      const first = open();
      expect(first.lastSeq()).toBe(0);
      const last = first.append([sample(0), sample(1)]);
      first.ack(last);
      expect(first.lastSeq()).toBe(last);
      first.close();
      expect(open().lastSeq()).toBe(last);
    });

    it('never reuses a seq, even after the outbox was emptied', () => {
      const outbox = fresh();
      const first = outbox.append([sample(0), sample(1)]);
      outbox.ack(first);
      const next = outbox.append([sample(2)]);
      expect(next).toBeGreaterThan(first);
    });

    it('counts rows and bytes and reports the oldest timestamp', () => {
      const outbox = fresh();
      expect(outbox.stats()).toMatchObject({ rows: 0, bytes: 0, dropped: 0, appended: 0, acked: 0, oldestTs: null, maxBytes: BIG_BUDGET });
      outbox.append([sample(5), sample(6)]);
      const stats = outbox.stats();
      expect(stats.rows).toBe(2);
      expect(stats.bytes).toBeGreaterThan(0);
      expect(stats.oldestTs).toBe(sample(5).ts);
    });

    it('when the byte budget is full, drops the oldest records first and counts them', () => {
      const maxBytes = 2000;
      const outbox = fresh(maxBytes);
      let i = 0;
      while (outbox.stats().dropped === 0 && i < 10_000) outbox.append([sample(i++)]);
      for (let k = 0; k < 20; k++) outbox.append([sample(i++)]);
      const stats = outbox.stats();
      expect(stats.dropped).toBeGreaterThan(0);
      expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
      expect(stats.rows + stats.dropped).toBe(i);
      const kept = outbox.peek(10_000).map((r) => r.ts);
      // The newest records survive, contiguous up to the last one appended.
      expect(kept).toEqual(Array.from({ length: stats.rows }, (_, k) => sample(i - stats.rows + k).ts));
    });

    it('a batch larger than the whole budget keeps its newest records', () => {
      const outbox = fresh(1000);
      outbox.append(Array.from({ length: 200 }, (_, i) => sample(i)));
      const stats = outbox.stats();
      expect(stats.bytes).toBeLessThanOrEqual(1000);
      expect(stats.rows + stats.dropped).toBe(200);
      expect(outbox.peek(1000).at(-1)?.ts).toBe(sample(199).ts);
    });

    it('stores and overwrites meta values', () => {
      const outbox = fresh();
      expect(outbox.getMeta('sparkplug.bdSeq')).toBeUndefined();
      outbox.setMeta('sparkplug.bdSeq', '4');
      outbox.setMeta('sparkplug.bdSeq', '5');
      expect(outbox.getMeta('sparkplug.bdSeq')).toBe('5');
    });

    it('keeps records, seqs, the dropped count and meta across close and reopen', () => {
      harness = createHarness();
      const first = open(1500);
      for (let i = 0; i < 40; i++) first.append([sample(i)]);
      first.setMeta('k', 'v');
      const before = first.stats();
      const records = first.peek(1000);
      first.close();
      const second = open(1500);
      expect(second.peek(1000)).toEqual(records);
      expect(second.stats()).toMatchObject({ rows: before.rows, bytes: before.bytes, dropped: before.dropped, appended: 0 });
      expect(before.dropped).toBeGreaterThan(0);
      expect(second.getMeta('k')).toBe('v');
      expect(second.append([sample(99)])).toBeGreaterThan(records.at(-1)!.seq);
    });
  });
}
