/**
 * The rule routes on the real cloud app, wired as cloud-service.ts wires them: the cloud's SQLite
 * file, the demo plant's glossary and seed pack, accounts with sessions and the access control.
 * No broker here: deployments stay pending (the release flow over the edge link has its own test,
 * cloud/rules/rule-release.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGlossaryFile, readRulePackFile } from '../../../config/rule-pack-file.ts';
import { withoutPositions } from '../../../rules/ast.ts';
import { bootstrapAccounts, demoPassword } from '../../auth/bootstrap-accounts.ts';
import { openAuth, type OpenAuth } from '../../auth/open-auth.ts';
import { openEdgeEventStore } from '../../events/sqlite-edge-event-store.ts';
import { openRollout, type OpenRollout } from '../../rollout/open-rollout.ts';
import { openRules, type OpenRules } from '../../rules/open-rules.ts';
import { openTelemetryStore, type TelemetryStore } from '../../store/telemetry-store.ts';
import { CSRF_HEADER } from '../access-control.ts';
import { buildCloudApp } from '../app.ts';
import { TEST_SCRYPT } from '../test-fixture.ts';

const logger = pino({ level: 'silent' });
const LIBRARY = resolve('rules/library/demo-plant.rules.yaml');
const GLOSSARY = resolve('rules/library/demo-plant.glossary.yaml');
const REMNANT_EN = 'When remnant weight of furnace F1 exceeds 15 kg, start approval "re-melt".';
const REMNANT_ZH = '当F1熔炉余料重量超过15公斤时，启动审批"回炉"';
const GW1 = { group: 'plant', edge: 'gw1' };

let dir: string;
let store: TelemetryStore;
let auth: OpenAuth;
let rollout: OpenRollout;
let rules: OpenRules;
let events: ReturnType<typeof openEdgeEventStore>;
let app: FastifyInstance;
const sessions = new Map<string, { cookie: string; csrf: string }>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgestock-rules-routes-'));
  const file = join(dir, 'cloud.sqlite');
  store = openTelemetryStore(file);
  auth = openAuth(file, { sessionIdleMinutes: 30, hashParameters: TEST_SCRYPT });
  await bootstrapAccounts(auth.service, { demoUsers: true, announce: () => {} });
  rollout = openRollout(file, { link: () => undefined, logger });
  rules = openRules(file, {
    glossary: { source: GLOSSARY, raw: readGlossaryFile(GLOSSARY) },
    seedPack: { source: LIBRARY, raw: readRulePackFile(LIBRARY).pack },
    link: () => undefined, gateways: () => rollout.configs.gateways(), logger, audit: auth.service.parts.audit,
  });
  events = openEdgeEventStore(file);
  app = buildCloudApp({
    store, auth: auth.service, logger, secureCookies: false, rollout: rollout.rollout, events: events.events,
    rules: rules.routes, requisitions: rules.requisitions, locationBlocks: rules.blocks,
  });
  await app.ready();
  // Two gateways have reported (no broker: what they report is recorded directly).
  for (const edge of ['gw1', 'gw2']) {
    const report = { version: 0, connectors: [], source: 'file' as const, at: 0, rules: { active: null, shadow: null } };
    rollout.rollout.onReport('plant', edge, report);
    rules.onReport('plant', edge, report);
  }
}, 30_000);

afterAll(async () => {
  await app?.close();
  events?.close();
  rules?.close();
  rollout?.close();
  auth?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function as(username: string, options: InjectOptions) {
  let session = sessions.get(username);
  if (!session) {
    const login = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password: demoPassword(username) } });
    session = { cookie: login.cookies.map((c) => `${c.name}=${c.value}`).join('; '), csrf: login.json().csrfToken };
    sessions.set(username, session);
  }
  return app.inject({ ...options, headers: { cookie: session.cookie, ...(options.method === 'GET' ? {} : { [CSRF_HEADER]: session.csrf }) } });
}
const get = (username: string, url: string) => as(username, { method: 'GET', url });
const post = (username: string, url: string, payload: object) => as(username, { method: 'POST', url, payload });

describe('the rule editor routes', () => {
  it('answers the glossary to any logged-in user, and nobody else', async () => {
    const response = await get('operator', '/api/rules/glossary');
    expect(response.statusCode).toBe(200);
    expect(response.json().version).toBe(1);
    expect(response.json().glossary.terms.map((t: { id: string }) => t.id)).toContain('remnant-weight');
    expect((await app.inject({ method: 'GET', url: '/api/rules/glossary' })).statusCode).toBe(401);
  });

  it('compiles a rule to its AST, both languages, ST and JS; the Chinese form gives the same AST', async () => {
    const en = await post('auditor', '/api/rules/compile', { text: REMNANT_EN });
    expect(en.statusCode).toBe(200);
    const body = en.json();
    expect(body).toMatchObject({ ok: true, lang: 'en', problems: [] });
    expect(withoutPositions(body.ast)).toEqual({
      astVersion: 1,
      condition: { kind: 'compare', op: 'exceeds', left: { kind: 'term', term: 'remnant-weight', args: { furnace: 'F1' } }, right: { kind: 'quantity', value: 15, unit: 'kg' } },
      actions: [{ kind: 'startApproval', flow: 're-melt' }],
    });
    expect(body.st).toContain('FUNCTION_BLOCK');
    expect(body.st).toContain('END_FUNCTION_BLOCK');
    expect(body.js.length).toBeGreaterThan(0);
    const zh = await post('auditor', '/api/rules/compile', { text: REMNANT_ZH, lang: 'zh' });
    expect(zh.json()).toMatchObject({ ok: true, lang: 'zh' });
    expect(withoutPositions(zh.json().ast)).toEqual(withoutPositions(body.ast));
    // The canonical texts parse back to the same rule.
    for (const text of [body.text.en, body.text.zh]) {
      expect(withoutPositions((await post('auditor', '/api/rules/compile', { text })).json().ast)).toEqual(withoutPositions(body.ast));
    }
  });

  it('answers 200 with ok false and the problems placed in the text for a rule with errors; 400 for a body without text', async () => {
    const response = await post('auditor', '/api/rules/compile', { text: 'When remnant wieght of furnace F1 exceeds 15 kg, start approval "re-melt".', lang: 'en' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ ok: false, st: null, js: null });
    expect(body.problems.length).toBeGreaterThan(0);
    expect(body.problems[0]).toMatchObject({ line: 1, col: expect.any(Number), length: expect.any(Number) });
    const missing = await post('auditor', '/api/rules/compile', { lang: 'en' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ field: 'text' });
    const badLang = await post('auditor', '/api/rules/compile', { text: REMNANT_EN, lang: 'fr' });
    expect(badLang.json()).toMatchObject({ field: 'lang' });
  });
});

describe('the rule pack routes', () => {
  const remnant = { id: 'remnant-weight-f1', en: REMNANT_EN, zh: REMNANT_ZH, examples: [{ name: '15.3 kg starts it', given: [{ at: '0s', values: { 'press-plc/F1/remnant-weight': 15.3 } }], expect: [{ at: '0s', effect: { kind: 'startApproval', flow: 're-melt' } }] }] };

  it('lists the seeded production version', async () => {
    const response = await get('auditor', '/api/rules/packs');
    expect(response.json()).toMatchObject({ production: 1, packs: [{ version: 1, pack: 'demo-plant', stage: 'production', createdBy: 'system', examplesPassed: true, examples: { failed: 0 } }] });
  });

  it('creates a version with rules.edit, refusing problems with every path and line:col, and other roles', async () => {
    const broken = await post('expert', '/api/rules/packs', { pack: 'demo-plant', rules: [remnant, { id: 'broken', en: 'When remnant wieght of furnace F1 exceeds 15 kg, start approval "re-melt".' }] });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'RULES_INVALID', field: 'rules.1.en' });
    expect(broken.json().problems[0]).toEqual({ path: 'rules.1.en', message: expect.stringMatching(/^1:\d+: /) });
    const badShape = await post('expert', '/api/rules/packs', { pack: 'demo-plant', rules: [{ id: 'Bad Id', en: REMNANT_EN }] });
    expect(badShape.json()).toMatchObject({ error: 'RULES_INVALID', field: 'rules.0.id' });
    const noRules = await post('expert', '/api/rules/packs', { pack: 'demo-plant' });
    expect(noRules.json()).toMatchObject({ field: 'rules' });
    expect((await post('auditor', '/api/rules/packs', { pack: 'demo-plant', rules: [remnant] })).statusCode).toBe(403);

    const created = await post('expert', '/api/rules/packs', { pack: 'demo-plant', rules: [remnant], facts: { 'tooling.IMM-01.insertLifeShots': 9000 } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      version: 2, stage: 'sandbox', createdBy: 'expert', examplesPassed: true, facts: { 'tooling.IMM-01.insertLifeShots': 9000 },
      rules: [{ id: 'remnant-weight-f1', en: REMNANT_EN, inputs: ['press-plc/F1/remnant-weight'] }],
      examples: [{ rule: 'remnant-weight-f1', name: '15.3 kg starts it', passed: true }],
      history: [{ action: 'create', from: null, to: 'sandbox', by: 'expert' }], gateways: [],
    });
    expect((await get('auditor', '/api/rules/packs/2')).json().version).toBe(2);
    const unknown = await get('auditor', '/api/rules/packs/99');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ field: 'version' });
  });

  it('shadows, promotes and rolls back with the permission of each stage, every step audited', async () => {
    const badGateway = await post('expert', '/api/rules/packs/2/shadow', { gateways: [{ group: 'plant', edge: 'nowhere' }] });
    expect(badGateway.statusCode).toBe(400);
    expect(badGateway.json()).toMatchObject({ field: 'gateways' });
    expect((await post('expert', '/api/rules/packs/2/shadow', { gateways: [{ group: 'plant' }] })).json()).toMatchObject({ field: 'gateways.0.edge' });
    expect((await post('engineer', '/api/rules/packs/2/shadow', {})).statusCode).toBe(403);

    const shadow = await post('expert', '/api/rules/packs/2/shadow', { gateways: [GW1] });
    expect(shadow.statusCode).toBe(200);
    expect(shadow.json()).toMatchObject({ version: 2, stage: 'shadow', deployments: [{ ...GW1, activeVersion: 1, shadowVersion: 2, status: 'pending', inSync: false }] });

    expect((await post('engineer', '/api/rules/packs/2/promote', { stage: 'grey', gateways: [GW1] })).statusCode).toBe(403);
    const expertToProduction = await post('expert', '/api/rules/packs/2/promote', { stage: 'production' });
    expect(expertToProduction.statusCode).toBe(403);
    expect(expertToProduction.json().message).toContain('rules.release.production.approve');
    expect((await post('engineer', '/api/rules/packs/2/promote', { stage: 'gold' })).json()).toMatchObject({ field: 'stage' });
    const production = await post('engineer', '/api/rules/packs/2/promote', { stage: 'production' });
    expect(production.statusCode).toBe(200);
    expect(production.json().deployments.map((d: { edge: string; activeVersion: number; shadowVersion: number | null }) => [d.edge, d.activeVersion, d.shadowVersion]))
      .toEqual([['gw1', 2, null], ['gw2', 2, null]]);
    const again = await post('engineer', '/api/rules/packs/2/promote', { stage: 'production' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'CONFLICT', field: 'version' });

    expect((await post('expert', '/api/rules/rollback', {})).statusCode).toBe(403);
    const rollback = await post('engineer', '/api/rules/rollback', {});
    expect(rollback.json()).toMatchObject({ version: 1, stage: 'production', retired: 2 });
    const deployments = await get('auditor', '/api/rules/deployments');
    expect(deployments.json()).toMatchObject({ production: 1, deployments: [{ ...GW1, activeVersion: 1, status: 'pending' }, { edge: 'gw2', activeVersion: 1 }] });
    expect((await post('engineer', '/api/rules/rollback', {})).statusCode).toBe(409);

    const audit = auth.service.parts.audit.query({}).filter((e) => e.action.startsWith('rules.pack.') && e.actor !== 'system');
    expect(audit.reverse().map((e) => [e.action, e.actor, e.outcome])).toEqual([
      ['rules.pack.create', 'expert', 'failure'], ['rules.pack.create', 'expert', 'failure'], ['rules.pack.create', 'expert', 'success'],
      ['rules.pack.shadow', 'expert', 'failure'], ['rules.pack.shadow', 'expert', 'success'],
      ['rules.pack.promote', 'engineer', 'success'], ['rules.pack.promote', 'engineer', 'failure'],
      ['rules.pack.rollback', 'engineer', 'success'], ['rules.pack.rollback', 'engineer', 'failure'],
    ]);
  });

  it('compares shadow firings with live ones per rule since the shadow started, on the shadow\'s gateways', async () => {
    const since = rules.release!.history(2).find((c) => c.action === 'shadow')!.at;
    const firing = (id: string, type: string, at: number, version: number, edge = 'gw1', rule = 'remnant-weight-f1') => events.events.add('plant', edge, {
      id, type, at, body: { pack: 'demo-plant', version, rule, effect: { kind: 'startApproval', flow: 're-melt' }, outcome: type === 'rule.shadow' ? 'logged' : 'done', inputs: { 'press-plc/F1/remnant-weight': 15.3 } },
    }, at);
    firing('before', 'rule.action', since - 1000, 1);
    firing('live-1', 'rule.action', since + 1000, 1);
    firing('live-2', 'rule.action', since + 2000, 1);
    firing('other-rule', 'rule.action', since + 2500, 1, 'gw1', 'near-expiry-ship-first');
    firing('shadow-1', 'rule.shadow', since + 1000, 2);
    firing('elsewhere', 'rule.action', since + 1000, 1, 'gw2');
    const response = await get('auditor', '/api/rules/packs/2/shadow-comparison?latest=1');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ version: 2, since, activeVersions: [1], gateways: [GW1] });
    expect(response.json().rules).toEqual([
      {
        rule: 'remnant-weight-f1',
        live: { count: 2, latest: [{ at: since + 2000, group: 'plant', edge: 'gw1', version: 1, effect: { kind: 'startApproval', flow: 're-melt' }, inputs: { 'press-plc/F1/remnant-weight': 15.3 } }] },
        shadow: { count: 1, latest: [expect.objectContaining({ at: since + 1000, version: 2 })] },
      },
      { rule: 'near-expiry-ship-first', live: { count: 1, latest: [expect.objectContaining({ version: 1 })] }, shadow: { count: 0, latest: [] } },
    ]);
    const never = await get('auditor', '/api/rules/packs/1/shadow-comparison');
    expect(never.json()).toMatchObject({ since: null, gateways: [] });
    expect((await get('auditor', '/api/rules/packs/2/shadow-comparison?latest=99')).json()).toMatchObject({ field: 'latest' });
  });
});

describe('what rule actions became', () => {
  it('lists requisitions and location blocks made from rule action events, a replay adding nothing', async () => {
    const deliver = (id: string, at: number, rule: string, effect: object) => {
      const event = { id, type: 'rule.action', at, body: { pack: 'demo-plant', version: 1, rule, effect, outcome: 'done', inputs: {} } };
      events.events.add('plant', 'gw1', event, at);
      rules.onEvent('plant', 'gw1', event);
    };
    deliver('cap-1', 1_000, 'electrode-cap-g1', { kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 });
    deliver('cap-1', 1_000, 'electrode-cap-g1', { kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 });
    deliver('block-1', 2_000, 'cold-chain-b12', { kind: 'block', operation: 'put-away', location: 'B12' });
    deliver('block-2', 3_000, 'cold-chain-b13', { kind: 'block', operation: 'put-away', location: 'B13' });
    deliver('release-2', 4_000, 'cold-chain-b13', { kind: 'block', operation: 'put-away', location: 'B13', released: true });

    const requisitions = await get('auditor', '/api/purchasing/requisitions');
    expect(requisitions.json()).toEqual({ requisitions: [expect.objectContaining({ id: 'plant/gw1/cap-1', item: 'electrode-cap', quantity: 1, rule: 'electrode-cap-g1', status: 'open', group: 'plant', edge: 'gw1' })] });
    const active = await get('operator', '/api/inventory/location-blocks?active=true');
    expect(active.json()).toEqual({ blocks: [expect.objectContaining({ operation: 'put-away', location: 'B12', rule: 'cold-chain-b12', released: false, since: 2_000 })] });
    const all = await get('operator', '/api/inventory/location-blocks');
    expect(all.json().blocks.map((b: { location: string; released: boolean }) => [b.location, b.released])).toEqual([['B13', true], ['B12', false]]);
    expect((await get('operator', '/api/inventory/location-blocks?active=maybe')).json()).toMatchObject({ field: 'active' });
    expect((await app.inject({ method: 'GET', url: '/api/purchasing/requisitions' })).statusCode).toBe(401);
  });
});
