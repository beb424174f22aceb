/**
 * The scan-latency benchmark's load: N PDA clients in a process of their own (so the gateway's
 * process.cpuUsage() counts the gateway only), driven by the benchmark over IPC:
 *   { type: 'start', url, devices, catalogFile, seed } -> { type: 'ready' }
 *   { type: 'run', ratePerSecond, seconds }            -> { type: 'result', ... }
 *   { type: 'stop' }                                    -> exits
 * Open loop: scans leave on a fixed schedule (round robin over the devices) whether or not the
 * last ones were answered, so a slow gateway shows as latency, not as a lower offered rate.
 * Latency is measured here, at the client: from just before publish to the decision's arrival.
 * Scan content comes from the scanner simulator's planner (receive, put-away, pick, move, count
 * of the catalog's lots, codes in both forms).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { loadCatalog, parseDecision, ScanPlanner, seededRandom, toWireScan, WarehouseStock, type DeviceLogin } from '../../simulators/scanner/index.ts';

type Command =
  | { type: 'start'; url: string; devices: DeviceLogin[]; catalogFile: string; seed: number }
  | { type: 'run'; ratePerSecond: number; seconds: number }
  | { type: 'stop' };

export interface LoadResult {
  type: 'result';
  offeredPerSecond: number;
  sent: number;
  decided: number;
  achievedPerSecond: number;
  unanswered: number;
  verdicts: Record<string, number>;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null; mean: number | null };
  /** How far the sender fell behind its schedule at worst (ms): large means the load generator, not the gateway, was the limit. */
  maxSendLagMs: number;
}

/** After the window, decisions still arriving this long are counted (and timed). */
const GRACE_MS = 3000;

const send = (message: unknown) => process.send!(message);
let clients: Array<{ client: MqttClient; login: DeviceLogin }> = [];
let planner: ScanPlanner;
let random: ReturnType<typeof seededRandom>;
let stock: WarehouseStock;
/** scanId -> publish time (performance.now()) of the current run. */
let inFlight = new Map<string, number>();
let onDecision: (scanId: string, verdict: string) => void = () => {};

async function start(command: Extract<Command, { type: 'start' }>): Promise<void> {
  const catalog = loadCatalog(command.catalogFile);
  random = seededRandom(command.seed);
  stock = new WarehouseStock(catalog.stock, catalog.lots);
  planner = new ScanPlanner(catalog, stock, random);
  clients = await Promise.all(command.devices.map(async (login) => {
    const client = await mqtt.connectAsync(command.url, {
      clientId: login.id, username: login.id, password: login.password, protocolVersion: 4, clean: true, reconnectPeriod: 1000,
    });
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    client.on('message', (_topic, payload) => {
      const decision = parseDecision(payload);
      if (decision) onDecision(decision.scanId, decision.verdict);
    });
    const granted = await client.subscribeAsync(`devices/${login.id}/decision`, { qos: 1 });
    if (granted.some((g) => g.qos === 128)) throw new Error(`${login.id}: the device broker refused the decision subscription`);
    return { client, login };
  }));
  send({ type: 'ready' });
}

/** A scan as a warehouse would make it; a fifth are put-aways of a load from stock. */
function nextTask() {
  const rows = stock.rows();
  const load = rows.length > 0 && random.chance(0.2) ? random.pick(rows) : undefined;
  return planner.next(load && { gtin: load.gtin, batch: load.batch, qty: Math.min(load.qty, 12) });
}

async function run(ratePerSecond: number, seconds: number): Promise<void> {
  inFlight = new Map();
  const latencies: number[] = [];
  const verdicts: Record<string, number> = {};
  onDecision = (scanId, verdict) => {
    const sentAt = inFlight.get(scanId);
    if (sentAt === undefined) return;
    inFlight.delete(scanId);
    latencies.push(performance.now() - sentAt);
    verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
  };
  const total = Math.round(ratePerSecond * seconds);
  const prefix = `b${Date.now().toString(36)}`;
  let sent = 0;
  let maxSendLagMs = 0;
  const startedAt = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - startedAt) / 1000) * ratePerSecond) + 1);
      if (due - sent > 1) maxSendLagMs = Math.max(maxSendLagMs, ((due - sent - 1) / ratePerSecond) * 1000);
      while (sent < due) {
        const { client, login } = clients[sent % clients.length]!;
        const scanId = `${prefix}.${sent}`;
        const payload = JSON.stringify(toWireScan(nextTask(), scanId, operatorOf(login), Date.now()));
        inFlight.set(scanId, performance.now());
        client.publish(`devices/${login.id}/scan`, payload, { qos: 1 });
        sent++;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const windowS = (performance.now() - startedAt) / 1000;
  const graceEnd = performance.now() + GRACE_MS;
  while (inFlight.size > 0 && performance.now() < graceEnd) await new Promise((r) => setTimeout(r, 20));
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? null : round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!));
  const result: LoadResult = {
    type: 'result',
    offeredPerSecond: ratePerSecond,
    sent,
    decided: sorted.length,
    achievedPerSecond: Math.round(sorted.length / Math.max(windowS, seconds)),
    unanswered: inFlight.size,
    verdicts,
    latencyMs: {
      p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.length ? round(sorted.at(-1)!) : null,
      mean: sorted.length ? round(sorted.reduce((s, v) => s + v, 0) / sorted.length) : null,
    },
    maxSendLagMs: round(maxSendLagMs),
  };
  onDecision = () => {};
  send(result);
}

const round = (v: number) => Math.round(v * 100) / 100;
const operatorOf = (login: DeviceLogin) => login.operator;

process.on('message', (command: Command) => {
  const fail = (err: unknown) => {
    send({ type: 'error', message: (err as Error).message });
  };
  if (command.type === 'start') start(command).catch(fail);
  else if (command.type === 'run') run(command.ratePerSecond, command.seconds).catch(fail);
  else void Promise.all(clients.map(({ client }) => client.endAsync(true))).finally(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
