/**
 * The release flow with real parts on the cloud's side: a SQLite file, an aedes broker, the
 * cloud's edge-link MQTT client, the demo plant's glossary and rule library compiled by
 * rules/compile-pack.ts. The gateways are MQTT clients that speak the edge link's wire format
 * (rules.apply in, acknowledgement and config report out) and do what each test needs: apply,
 * refuse, or stay silent as if away. The gateway's own rules runtime has its tests on its side.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { waitFor } from '../../bin/support/wait-for.ts';
import { readGlossaryFile, readRulePackFile } from '../../config/rule-pack-file.ts';
import { edgeLinkTopic, type RulesApplyArgs, type RulesReport } from '../../connectors/edge-link/index.ts';
import { startTestBroker, type TestBroker } from '../../gateway/testing/test-broker.ts';
import { openAuth, type OpenAuth } from '../auth/open-auth.ts';
import { startEdgeLinkClient, type EdgeLinkClient } from '../rollout/edge-link-client.ts';
import { openRollout, type OpenRollout } from '../rollout/open-rollout.ts';
import { openTelemetryStore, type TelemetryStore } from '../store/telemetry-store.ts';
import { openRules, type OpenRules } from './open-rules.ts';
import { ReleaseConflictError, RulesInvalidError, type RuleRelease } from './rule-release.ts';

const logger = pino({ level: 'silent' });
const GROUP = 'test-plant';
const LIBRARY = resolve('rules/library/demo-plant.rules.yaml');
const GLOSSARY = resolve('rules/library/demo-plant.glossary.yaml');
const until = <T>(what: string, check: () => T | undefined | false) => waitFor(what, async () => check() || undefined, { timeoutMs: 10_000, intervalMs: 25 });

type Behaviour = 'apply' | 'refuse' | 'silent';

/** A gateway's end of the edge link for rules: answers rules.apply as told and reports what it runs. */
class LinkGateway {
  behaviour: Behaviour = 'apply';
  runs: RulesReport = { active: null, shadow: null };
  readonly applied: RulesApplyArgs[] = [];
  #client!: MqttClient;
  constructor(readonly edge: string) {}

  async connect(url: string): Promise<void> {
    this.#client = await mqtt.connectAsync(url, { clientId: `${this.edge}-${randomUUID()}`, protocolVersion: 4 });
    this.#client.on('message', (_topic, payload) => this.#onCommand(JSON.parse(payload.toString())));
    await this.#client.subscribeAsync(edgeLinkTopic(GROUP, this.edge, 'cmd'), { qos: 1 });
  }

  /** What a gateway sends at each session start: its connectors and the rule packs it runs. */
  async report(): Promise<void> {
    const report = { id: randomUUID(), version: 0, connectors: [], source: 'file', at: Date.now(), rules: this.runs };
    await this.#client.publishAsync(edgeLinkTopic(GROUP, this.edge, 'config'), JSON.stringify(report), { qos: 1 });
  }

  #onCommand(command: { id: string; type: string; args: RulesApplyArgs }): void {
    if (command.type !== 'rules.apply' || this.behaviour === 'silent') return;
    this.applied.push(command.args);
    const ref = (p: RulesApplyArgs['active']) => (p ? { pack: p.pack, version: p.version } : null);
    const ack = this.behaviour === 'apply'
      ? { id: command.id, type: command.type, ok: true, result: (this.runs = { active: ref(command.args.active), shadow: ref(command.args.shadow) }), at: Date.now() }
      : { id: command.id, type: command.type, ok: false, error: { code: 'RULES_INVALID', message: 'rule remnant-weight-f1: unknown term "remnant weight"' }, at: Date.now() };
    this.#client.publish(edgeLinkTopic(GROUP, this.edge, 'ack'), JSON.stringify(ack), { qos: 1 });
  }

  close(): Promise<void> {
    return this.#client.endAsync();
  }
}

describe('releasing rule packs to gateways over the edge link', { timeout: 60_000 }, () => {
  let dir: string;
  let broker: TestBroker;
  let store: TelemetryStore;
  let auth: OpenAuth;
  let rollout: OpenRollout;
  let rules: OpenRules;
  let release: RuleRelease;
  let link: EdgeLinkClient;
  const gw1 = new LinkGateway('gw-1');
  const gw2 = new LinkGateway('gw-2');
  const library = readRulePackFile(LIBRARY).pack as { pack: string; version: number; facts: Record<string, unknown>; rules: Array<{ id: string; en: string; zh: string; examples: unknown[] }> };
  const remnantRule = library.rules.find((r) => r.id === 'remnant-weight-f1')!;
  const deployment = (edge: string) => release.deployments().find((d) => d.edge === edge)!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-rule-release-'));
    const file = join(dir, 'cloud.sqlite');
    store = openTelemetryStore(file);
    auth = openAuth(file, { sessionIdleMinutes: 30 });
    broker = await startTestBroker(await freePort());
    rollout = openRollout(file, { link: () => link, logger });
    rules = openRules(file, {
      glossary: { source: GLOSSARY, raw: readGlossaryFile(GLOSSARY) },
      seedPack: { source: LIBRARY, raw: library },
      link: () => link, gateways: () => rollout.configs.gateways(), logger, audit: auth.service.parts.audit, applyTimeoutMs: 1500,
    });
    release = rules.release!;
    link = await startEdgeLinkClient({
      url: broker.url, logger, timeoutMs: 5000,
      onConfigReport: (g, e, r) => {
        rollout.rollout.onReport(g, e, r);
        rules.onReport(g, e, r);
      },
    });
    await gw1.connect(broker.url);
    await gw2.connect(broker.url);
  });

  afterAll(async () => {
    await gw1.close();
    await gw2.close();
    await link?.close();
    rules?.close();
    rollout?.close();
    auth?.close();
    store?.close();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds the library pack at production as its file\'s version, created by system and audited', () => {
    expect(release.production()).toBe(library.version);
    const seeded = release.get(library.version);
    expect(seeded).toMatchObject({ pack: 'demo-plant', stage: 'production', createdBy: 'system', examplesPassed: true, glossaryVersion: 1 });
    expect(seeded.compiled.find((c) => c.id === 'electrode-cap-g1')!.inputs.sort()).toEqual(['weld-cell/G1/sheet-thickness', 'weld-cell/G1/weld-count']);
    expect(seeded.examples.length).toBeGreaterThan(5);
    expect(auth.service.parts.audit.query({ action: 'rules.pack.create' })[0]).toMatchObject({ actor: 'system', actorKind: 'system', target: `version ${library.version}` });
    // Seeding again (a restart) adds nothing.
    expect(release.seed(library)).toBeUndefined();
  });

  it('deploys the production pack to each gateway that reports, settled by its acknowledgement', async () => {
    await gw1.report();
    await gw2.report();
    await until('both gateways applied', () => ['gw-1', 'gw-2'].every((edge) => release.deployments().find((d) => d.edge === edge)?.status === 'applied'));
    expect(gw1.applied[0]!.active).toMatchObject({ pack: 'demo-plant', version: library.version, facts: library.facts });
    expect(gw1.applied[0]!.active!.glossary).toMatchObject({ version: 1 });
    expect(gw1.applied[0]!.active!.rules.find((r) => r.id === 'remnant-weight-f1')).toEqual({ id: 'remnant-weight-f1', en: remnantRule.en, zh: remnantRule.zh });
    expect(gw1.applied[0]!.shadow).toBeNull();
    expect(deployment('gw-1')).toMatchObject({ activeVersion: 1, shadowVersion: null, inSync: true, reported: { active: { pack: 'demo-plant', version: 1 }, shadow: null } });
  });

  it('refuses a pack with problems, naming each rule text and the place in it, and stores nothing', () => {
    const error = (() => {
      try {
        release.create({ pack: 'demo-plant', rules: [remnantRule, { id: 'broken', en: 'When remnant wieght of furnace F1 exceeds 15 kg, start approval "re-melt".' }] }, 'expert');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RulesInvalidError);
    const problems = (error as RulesInvalidError).problems;
    expect(problems.map((p) => p.path)).toContain('rules.1.en');
    expect(problems.find((p) => p.path === 'rules.1.en')!.message).toMatch(/^1:\d+: /);
    expect(() => release.create({ pack: 'other-plant', rules: [remnantRule] }, 'expert')).toThrow(/releases the pack "demo-plant"/);
    expect(() => release.create({ pack: 'demo-plant', rules: [{ id: 'No Id', en: 'x' }] }, 'expert')).toThrow(RulesInvalidError);
    expect(release.list().map((v) => v.version)).toEqual([1]);
  });

  it('keeps a version whose examples fail in the sandbox', async () => {
    const wrong = { ...remnantRule, examples: [{ name: 'expects the approval at 15 kg', given: [{ at: '0s', values: { 'press-plc/F1/remnant-weight': 15 } }], expect: [{ at: '0s', effect: { kind: 'startApproval', flow: 're-melt' } }] }] };
    const created = release.create({ pack: 'demo-plant', rules: [wrong] }, 'expert');
    expect(created).toMatchObject({ version: 2, stage: 'sandbox', examplesPassed: false, createdBy: 'expert' });
    expect(created.examples).toEqual([expect.objectContaining({ rule: 'remnant-weight-f1', name: 'expects the approval at 15 kg', passed: false })]);
    await expect(release.promote(2, 'grey', [{ group: GROUP, edge: 'gw-1' }], 'expert')).rejects.toThrow(/examples fail \(remnant-weight-f1: "expects the approval at 15 kg"\)/);
    await expect(release.promote(2, 'production', undefined, 'engineer')).rejects.toBeInstanceOf(ReleaseConflictError);
    expect(release.get(2).stage).toBe('sandbox');
  });

  it('shadows a version beside the active one on one gateway, then makes it active there (grey)', async () => {
    const v3 = release.create({ pack: 'demo-plant', rules: library.rules, facts: library.facts }, 'expert');
    expect(v3).toMatchObject({ version: 3, stage: 'sandbox', examplesPassed: true });
    await expect(release.shadow(3, [{ group: GROUP, edge: 'gw-9' }], 'expert')).rejects.toThrow(/no gateway test-plant\/gw-9/);

    const shadowed = await release.shadow(3, [{ group: GROUP, edge: 'gw-1' }], 'expert');
    expect(shadowed).toMatchObject({ version: 3, stage: 'shadow', deployments: [{ edge: 'gw-1', activeVersion: 1, shadowVersion: 3, status: 'applied', inSync: true }] });
    expect(gw1.applied.at(-1)).toMatchObject({ active: { version: 1 }, shadow: { version: 3 } });
    expect(deployment('gw-2')).toMatchObject({ activeVersion: 1, shadowVersion: null });

    await expect(release.promote(3, 'grey', undefined, 'expert')).rejects.toThrow(/grey needs the gateways/);
    const grey = await release.promote(3, 'grey', [{ group: GROUP, edge: 'gw-1' }], 'expert');
    expect(grey).toMatchObject({ stage: 'grey', deployments: [{ edge: 'gw-1', activeVersion: 3, shadowVersion: null, status: 'applied' }] });
    expect(release.production()).toBe(1);
    expect(release.history(3).map((c) => [c.action, c.to, c.by])).toEqual([['create', 'sandbox', 'expert'], ['shadow', 'shadow', 'expert'], ['grey', 'grey', 'expert']]);
  });

  it('records a refusal as failed with the gateway\'s message and does not send it again at each report', async () => {
    gw2.behaviour = 'refuse';
    const outcome = await release.promote(3, 'production', undefined, 'engineer');
    expect(outcome.stage).toBe('production');
    expect(outcome.deployments.map((d) => [d.edge, d.activeVersion, d.status])).toEqual([['gw-1', 3, 'applied'], ['gw-2', 3, 'failed']]);
    expect(deployment('gw-2').error).toBe('RULES_INVALID: rule remnant-weight-f1: unknown term "remnant weight"');
    expect(release.get(1).stage).toBe('retired');
    const sent = gw2.applied.length;
    await gw2.report();
    await until('the report recorded', () => deployment('gw-2').reportedAt !== null && deployment('gw-2').reported?.active?.version === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(gw2.applied.length).toBe(sent);
  });

  it('leaves a deployment to a gateway that is away pending, and sends it again when the gateway reports older versions', async () => {
    gw2.behaviour = 'silent';
    const outcome = await release.rollback('engineer');
    expect(outcome).toMatchObject({ version: 1, stage: 'production', retired: 3 });
    expect(outcome.deployments.map((d) => [d.edge, d.activeVersion, d.status])).toEqual([['gw-1', 1, 'applied'], ['gw-2', 1, 'pending']]);
    expect(release.get(3).stage).toBe('retired');
    expect(release.production()).toBe(1);
    // Back after losing its data directory: it reports running no pack at all.
    gw2.behaviour = 'apply';
    gw2.runs = { active: null, shadow: null };
    await gw2.report();
    await until('gw-2 applied', () => deployment('gw-2').status === 'applied');
    expect(deployment('gw-2')).toMatchObject({ activeVersion: 1, inSync: true });
    await expect(release.rollback('engineer')).rejects.toThrow(/version 1 is the first production version/);
  });
});
