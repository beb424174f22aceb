/**
 * The `rules.apply` command end to end on the gateway: a command delivered to the real command
 * channel, the real handler table, the rules host with the real compiler; the acknowledgement read
 * back from the outbox.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { edgeLinkTopic, type EdgeAck, type EdgeCommand } from '../../connectors/edge-link/index.ts';
import { CommandChannel } from '../commands/command-channel.ts';
import { openCommandLedger } from '../commands/command-ledger.ts';
import { createCommandHandlers, type CommandHandlerDeps } from '../commands/command-handlers.ts';
import { EdgeEvents } from '../events/edge-events.ts';
import { EdgeLinkOutbox } from '../events/edge-link-outbox.ts';
import { SqliteOutbox } from '../outbox/sqlite-outbox.ts';
import { ScenarioPermissionStore } from '../scenario-permissions.ts';
import { SqliteLocationBlocks } from './location-blocks.ts';
import { pushedRulesPath, readPushedRules } from './pushed-rules.ts';
import { RulesHost } from './rules-host.ts';
import { deployedPack, sentences } from './rules-test-fixtures.ts';
import { SqliteRuleStateStore } from './sqlite-rule-state-store.ts';

const clock = { now: () => 5_000, setTimeout: () => 0, clearTimeout: () => {} };
const silent = { info() {}, warn() {}, error() {} };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-rules-apply-'));
  const outbox = new SqliteOutbox({ path: ':memory:', maxBytes: 1 << 20 });
  const ledger = openCommandLedger({ path: join(dir, 'commands.sqlite'), clock });
  const states = new SqliteRuleStateStore({ path: join(dir, 'rule-states.sqlite'), clock });
  const blocks = new SqliteLocationBlocks(join(dir, 'location-blocks.sqlite'));
  const link = new EdgeLinkOutbox({ outbox, notify: () => {}, clock });
  const host = new RulesHost({ states, blocks, events: new EdgeEvents({ link, clock }), writeTag: async () => {}, dataDir: dir, clock, logger: silent });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => outbox.close(), () => ledger.close(), () => states.close(), () => blocks.close(), () => host.close());
  let reports = 0;
  // Only what rules.apply uses is real; the connector parts are not reached by this command.
  const deps = {
    configReport: () => ({ version: 0, connectors: [], source: 'file', at: clock.now(), rules: host.report() }),
    applyRules: async (args) => {
      const outcome = await host.apply(args, { source: 'pushed', persist: true });
      if (outcome.ok) reports++;
      return outcome;
    },
    scenarioPermissions: new ScenarioPermissionStore(dir),
    pkiDir: join(dir, 'pki'),
    clock,
  } as Partial<CommandHandlerDeps> as CommandHandlerDeps;
  const channel = new CommandChannel({ group: 'plant', edge: 'gw1', handlers: createCommandHandlers(deps), clock, logger: silent, ledger, link, configReport: deps.configReport });
  const send = async (id: string, args: Record<string, unknown>): Promise<EdgeAck> => {
    const command: EdgeCommand = { id, type: 'rules.apply', args, issuedAt: 1 };
    channel.onMessage(edgeLinkTopic('plant', 'gw1', 'cmd'), Buffer.from(JSON.stringify(command)));
    for (let i = 0; i < 400; i++) {
      const row = outbox.peek(1000).find((r) => r.device === 'ack' && r.tag === id);
      if (row) return JSON.parse(String(row.value)) as EdgeAck;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`no acknowledgement for ${id}`);
  };
  return { dir, host, send, reports: () => reports };
}

describe('rules.apply', () => {
  it('compiles and runs both packs, stores them and answers with the versions it runs', async () => {
    const { dir, host, send, reports } = setup();
    const args = { active: deployedPack(2, [{ id: 'remnant-weight-f1', en: sentences.remnant }]), shadow: deployedPack(3, [{ id: 'remnant-weight-f1', en: sentences.remnant }]) };
    const ack = await send('cmd-rules-0001', args);
    expect(ack).toMatchObject({ ok: true, result: { active: { pack: 'demo-plant', version: 2 }, shadow: { pack: 'demo-plant', version: 3 } } });
    expect(host.report()).toEqual({ active: { pack: 'demo-plant', version: 2 }, shadow: { pack: 'demo-plant', version: 3 } });
    expect(readPushedRules(dir)?.rules).toEqual(args);
    expect(reports()).toBe(1);
  });

  it('refuses a pack with a bad rule as RULES_INVALID, naming the rule and line:col, and changes nothing', async () => {
    const { dir, host, send } = setup();
    const ack = await send('cmd-rules-0002', {
      active: deployedPack(2, [{ id: 'remnant-weight-f1', en: sentences.remnant }]),
      shadow: deployedPack(3, [{ id: 'cold-chain-b12', zh: '当B12货位温度不在2到8℃之间持续5分钟时，阻止上架并通知质量检验' }]),
    });
    expect(ack.ok).toBe(false);
    if (ack.ok) return;
    expect(ack.error.code).toBe('RULES_INVALID');
    expect(ack.error.problems).toEqual([{ path: 'shadow.rules.cold-chain-b12', message: expect.stringMatching(/^1:\d+: .* \(zh text\)$/) }]);
    expect(host.report()).toEqual({ active: null, shadow: null });
    expect(existsSync(pushedRulesPath(dir))).toBe(false);
  });

  it('refuses args that are not { active, shadow } as BAD_ARGS, naming the field', async () => {
    const { send } = setup();
    const ack = await send('cmd-rules-0003', { active: null });
    expect(ack).toMatchObject({ ok: false, error: { code: 'BAD_ARGS', problems: [{ path: 'args.shadow' }] } });
  });
});
