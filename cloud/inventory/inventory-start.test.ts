/**
 * The inventory core as the cloud starts it (cloud-service.ts), over HTTP on a real listening
 * cloud with the demo's master-data and inventory seeds: opening balances from master-data stock,
 * the seeded fusion's worked case, tooling and channels; a move posted through the API reaches
 * master data's stock (what gateways decide scans with); a quarantine in master data reaches the
 * inventory; and a restart posts no opening balance twice and re-applies no seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { waitFor } from '../../bin/support/wait-for.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { parseConfig } from '../../config/load-config.ts';
import { demoPassword } from '../auth/bootstrap-accounts.ts';
import { startCloud, type CloudService } from '../cloud-service.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-inventory-start-'));
const examples = resolve(import.meta.dirname, '../../config/examples');
const logger = pino({ level: 'silent' });
let cloud: CloudService | undefined;

afterAll(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<CloudService> {
  return startCloud({
    logger,
    config: parseConfig(cloudConfigSchema, {
      dataDir: dir, http: { port: 0 }, auth: { demoUsers: true, secureCookies: false },
      broker: { mode: 'embedded', port: await freePort(), users: [{ username: 'gw', password: 'gw-password', group: 'plant', edge: 'gw' }] },
      masterData: { seed: join(examples, 'demo-plant.master-data.yaml') },
      inventory: { seed: join(examples, 'demo-plant.inventory.yaml'), fusionFromLedger: false },
    }, 'test'),
  });
}

/** A logged-in HTTP client of the running cloud. */
async function client(service: CloudService, username: string) {
  const login = await fetch(`${service.httpUrl}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: demoPassword(username) }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await login.json() as { csrfToken: string };
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${service.httpUrl}${path}`, {
      method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() as any };
  };
}

describe('the inventory core in the running cloud', { timeout: 60_000 }, () => {
  it('starts from the seeds, follows master data both ways, and a restart adds nothing', async () => {
    cloud = await start();
    let engineer = await client(cloud, 'engineer');
    const moves = await engineer('GET', '/api/inventory/moves?limit=500');
    const openings = moves.json.moves.filter((m: { reason: string }) => m.reason === 'opening');
    expect(openings.length).toBe(18); // one per stock row of demo-plant.master-data.yaml
    const yogurt = (await engineer('GET', '/api/inventory/stock/summary/YOG-500')).json;
    expect(yogurt.physical).toBeGreaterThan(0);

    const figures = (await engineer('GET', '/api/fusion/figures/YOG-500')).json;
    expect(figures.figures.find((f: { figure: string }) => f.figure === 'erp.available').value).toBe(164);
    const tree = (await engineer('GET', '/api/tooling/assets')).json;
    expect(JSON.stringify(tree)).toContain('INS-0042');
    expect((await engineer('GET', '/api/inventory/channels')).json.channels.map((c: { id: string }) => c.id).sort()).toEqual(['douyin', 'meituan', 'store']);

    // A move posted through the ledger reaches master data's stock, which gateways sync.
    const b12 = (await engineer('GET', '/api/master-data/stock')).json;
    const row = b12.records.find((r: { value: { location: string } }) => r.value.location === 'B12').value as { gtin: string; batch: string; qty: number };
    const item = (await engineer('GET', '/api/inventory/items')).json.items.find((i: { gtin: string }) => i.gtin === row.gtin);
    const posted = await engineer('POST', '/api/inventory/moves', { moves: [{ sku: item.sku, lot: row.batch, qty: 1, from: 'B12', to: 'CUSTOMER', reason: 'shipment', docType: 'DN', docId: 'DN-1' }] });
    expect(posted.status, JSON.stringify(posted.json)).toBe(201);
    await waitFor('the ledger stock projected to master data', async () => {
      const stock = (await engineer('GET', '/api/master-data/stock')).json.records as Array<{ value: { gtin: string; batch: string; location: string; qty: number } }>;
      return stock.find((r) => r.value.gtin === row.gtin && r.value.batch === row.batch && r.value.location === 'B12' && r.value.qty === row.qty - 1) ?? undefined;
    }, { timeoutMs: 10_000, intervalMs: 100 });

    // A lot quarantined in master data is quarantined in the inventory: it cannot be reserved.
    const quarantined = await engineer('POST', `/api/lots/${row.gtin}/${row.batch}/quarantine`, { reason: 'lab sample failed' });
    expect(quarantined.status, JSON.stringify(quarantined.json)).toBe(200);
    const inventoryLot = (await engineer('GET', `/api/inventory/lots?sku=${item.sku}`)).json.lots.find((l: { batch: string }) => l.batch === row.batch);
    expect(inventoryLot).toMatchObject({ storedStatus: 'quarantined', statusReason: 'lab sample failed' });
    const sales = await client(cloud, 'sales');
    const refused = await sales('POST', '/api/inventory/reservations', { sku: item.sku, kind: 'order', qty: 1, lot: row.batch, orderRef: 'SO-1' });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toBe('LOT_NOT_RESERVABLE');

    // The other way: a recall through the inventory's API quarantines the lot in master data (scanners block it), a release releases it.
    const released = await engineer('POST', `/api/lots/${row.gtin}/${row.batch}/release`, {});
    expect(released.status, JSON.stringify(released.json)).toBe(200);
    const recalled = await engineer('POST', `/api/inventory/lots/${item.sku}/${row.batch}/status`, { status: 'recalled', reason: 'supplier recall R-7' });
    expect(recalled.status, JSON.stringify(recalled.json)).toBe(200);
    const masterLot = () => engineer('GET', '/api/master-data/lot').then((r) => r.json.records.find((l: { key: string }) => l.key === `${row.gtin}/${row.batch}`).value);
    expect(await masterLot()).toMatchObject({ status: 'quarantined', reason: 'recalled: supplier recall R-7' });
    expect((await engineer('GET', `/api/inventory/lots?sku=${item.sku}`)).json.lots.find((l: { batch: string }) => l.batch === row.batch).storedStatus).toBe('recalled');
    await engineer('POST', `/api/inventory/lots/${item.sku}/${row.batch}/status`, { status: 'released' });
    expect(await masterLot()).toMatchObject({ status: 'released' });

    // Restart: the same file, the same seeds. No opening balance twice, no seed applied again.
    const before = (await engineer('GET', '/api/inventory/balances')).json.balances;
    const movesBefore = (await engineer('GET', '/api/inventory/moves?limit=500')).json.moves.length;
    await cloud.close();
    cloud = await start();
    engineer = await client(cloud, 'engineer');
    expect((await engineer('GET', '/api/inventory/moves?limit=500')).json.moves.length).toBe(movesBefore);
    expect((await engineer('GET', '/api/inventory/balances')).json.balances).toEqual(before);
    expect((await engineer('GET', '/api/fusion/reports?limit=100')).json.reports.length).toBe(4);
    const drift = await engineer('POST', '/api/inventory/drift-check', {});
    expect(drift.json.findings).toEqual([]);
  });
});
