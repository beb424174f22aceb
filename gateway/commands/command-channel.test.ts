import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commandTypes, configReportSchema, edgeLinkTopic, type EdgeCommand } from '../../connectors/edge-link/index.ts';
import { EdgeLinkOutbox, type EdgeLinkSender } from '../events/edge-link-outbox.ts';
import { SqliteOutbox } from '../outbox/sqlite-outbox.ts';
import { CommandChannel, CommandError, type CommandHandler, type CommandHandlers } from './command-channel.ts';
import { openCommandLedger, type SqliteCommandLedger } from './command-ledger.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const CMD = edgeLinkTopic('plant', 'gw1', 'cmd');
const silent = { info: () => {}, warn: () => {}, error: () => {} };
const clock = { now: () => 5_000, setTimeout: () => 0, clearTimeout: () => {} };

function ledgerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-channel-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'commands.sqlite');
}

/** A channel on a real outbox and a real ledger file; `write` stands in for tag.write. */
function setup(path: string, write: CommandHandler, options: { link?: (inner: EdgeLinkSender, ledger: SqliteCommandLedger) => EdgeLinkSender } = {}) {
  const outbox = new SqliteOutbox({ path: ':memory:', maxBytes: 1 << 20 });
  const ledger = openCommandLedger({ path, clock });
  cleanups.push(() => outbox.close(), () => ledger.close());
  const refuse: CommandHandler = async () => { throw new CommandError('UNKNOWN_DEVICE', 'no such device'); };
  const handlers = Object.fromEntries(commandTypes.map((type) => [type, type === 'tag.write' ? write : refuse])) as CommandHandlers;
  const inner = new EdgeLinkOutbox({ outbox, notify: () => {}, clock });
  const channel = new CommandChannel({
    group: 'plant', edge: 'gw1', handlers, clock, logger: silent, ledger,
    link: options.link ? options.link(inner, ledger) : inner,
    configReport: () => ({ version: 3, connectors: [{ name: 'shelf' }], source: 'pushed', at: clock.now() }),
  });
  const rows = (channel?: string) => outbox.peek(1000).filter((r) => channel === undefined || r.device === channel);
  const acks = () => rows('ack').map((r) => JSON.parse(String(r.value)) as { id: string; ok: boolean; error?: { code: string } });
  return { outbox, ledger, channel, rows, acks };
}

const deliver = (channel: CommandChannel, command: Partial<EdgeCommand> | string) =>
  channel.onMessage(CMD, Buffer.from(typeof command === 'string' ? command : JSON.stringify(command)));

const writeCommand = (id: string): EdgeCommand => ({ id, type: 'tag.write', args: { device: 'shelf', tag: 'B10/setpoint', value: 6.5 }, issuedAt: 1 });

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('CommandChannel', () => {
  it('answers a command with an ack row in the outbox (tag = command id), recorded in the ledger before it is queued', async () => {
    const seenInLedger: boolean[] = [];
    const { channel, rows, ledger } = setup(ledgerPath(), async (args) => ({ ...args, writtenAt: 5_000 }), {
      link: (inner, l) => ({ send: (ch, id, message) => { if (ch === 'ack') seenInLedger.push(l.answerOf(id) !== undefined); inner.send(ch, id, message); } }),
    });
    deliver(channel, writeCommand('cmd-00000001'));
    await until('the ack', () => rows('ack').length === 1);
    const [row] = rows('ack');
    expect(row).toMatchObject({ kind: 'event', device: 'ack', tag: 'cmd-00000001' });
    expect(JSON.parse(String(row!.value))).toEqual({
      id: 'cmd-00000001', type: 'tag.write', ok: true, at: 5_000, result: { device: 'shelf', tag: 'B10/setpoint', value: 6.5, writtenAt: 5_000 },
    });
    expect(seenInLedger).toEqual([true]);
    expect(ledger.answerOf('cmd-00000001')).toEqual(JSON.parse(String(row!.value)));
    expect(channel.stats()).toMatchObject({ received: 1, acknowledged: 1, duplicates: 0 });
  });

  it('answers a redelivery that arrives while the command runs with the same answer, running it once', async () => {
    let release!: () => void;
    let runs = 0;
    const { channel, acks } = setup(ledgerPath(), async () => {
      runs++;
      await new Promise<void>((resolve) => { release = resolve; });
      return { done: true };
    });
    deliver(channel, writeCommand('cmd-00000001'));
    deliver(channel, writeCommand('cmd-00000001'));
    release();
    await until('two answers', () => acks().length === 2);
    expect(runs).toBe(1);
    expect(acks()[0]).toEqual(acks()[1]);
    expect(channel.stats()).toMatchObject({ received: 2, acknowledged: 1, duplicates: 1 });
  });

  it('after a restart answers a known id from the ledger, without running it again', async () => {
    const path = ledgerPath();
    let runs = 0;
    const write: CommandHandler = async () => ({ run: ++runs });
    const before = setup(path, write);
    deliver(before.channel, writeCommand('cmd-00000001'));
    await until('the first answer', () => before.acks().length === 1);
    before.ledger.close();

    const after = setup(path, write); // a new process: empty outbox, same ledger file
    deliver(after.channel, writeCommand('cmd-00000001'));
    await until('the answer from the ledger', () => after.acks().length === 1);
    expect(after.acks()[0]).toEqual(before.acks()[0]);
    expect(runs).toBe(1);
    expect(after.channel.stats()).toMatchObject({ received: 1, acknowledged: 0, duplicates: 1 });
  });

  it('records refusals too: a refused command sent again gets the same refusal', async () => {
    const path = ledgerPath();
    const { channel, acks, ledger } = setup(path, async () => { throw new CommandError('BAD_ARGS', 'args.value: expected a number'); });
    deliver(channel, writeCommand('cmd-00000001'));
    deliver(channel, { id: 'cmd-00000002', type: 'certificates.list', args: {}, issuedAt: 1 });
    await until('two refusals', () => acks().length === 2);
    expect(acks().map((a) => a.error?.code).sort()).toEqual(['BAD_ARGS', 'UNKNOWN_DEVICE']);
    expect(ledger.answerOf('cmd-00000001')).toMatchObject({ ok: false, error: { code: 'BAD_ARGS' } });
    expect(channel.stats()).toMatchObject({ refused: 2 });
  });

  it('answers a malformed command that has an id with BAD_COMMAND, and counts one without an id', async () => {
    const { channel, acks } = setup(ledgerPath(), async () => ({}));
    deliver(channel, { id: 'cmd-00000009', type: 'tag.explode' as never, args: {}, issuedAt: 1 });
    deliver(channel, 'not json');
    await until('the refusal', () => acks().length === 1);
    expect(acks()[0]).toMatchObject({ id: 'cmd-00000009', ok: false, error: { code: 'BAD_COMMAND' } });
    expect(channel.stats()).toMatchObject({ received: 2, malformed: 2 });
  });

  it('refuses a command when the ledger cannot be read, rather than risk running it twice', async () => {
    let runs = 0;
    const { channel, acks, ledger } = setup(ledgerPath(), async () => ({ run: ++runs }));
    ledger.close();
    deliver(channel, writeCommand('cmd-00000001'));
    await until('the refusal', () => acks().length === 1);
    expect(acks()[0]).toMatchObject({ ok: false, error: { code: 'FAILED' } });
    expect(runs).toBe(0);
  });

  it('counts an answer the outbox cannot take instead of throwing', async () => {
    const { channel, outbox } = setup(ledgerPath(), async () => ({}));
    outbox.close();
    deliver(channel, writeCommand('cmd-00000001'));
    await until('the failure counted', () => channel.stats().sendFailures === 1);
  });

  it('reports its configuration with an id at each session start, through the outbox', () => {
    const { channel, rows } = setup(ledgerPath(), async () => ({}));
    channel.onUp();
    channel.onUp();
    const reports = rows('config');
    expect(reports).toHaveLength(2);
    const [first, second] = reports.map((r) => configReportSchema.parse(JSON.parse(String(r.value))));
    expect(first).toMatchObject({ version: 3, source: 'pushed', connectors: [{ name: 'shelf' }] });
    expect(first!.id).toMatch(/^config-v3-/);
    expect(reports[0]!.tag).toBe(first!.id);
    expect(second!.id).not.toBe(first!.id);
  });
});
