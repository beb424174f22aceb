/**
 * A whole gateway that takes scans, for the device broker and scan tests: the Modbus shelf
 * simulator behind a real connector, the demo site's master data (config/examples), a device
 * broker on a free port, SQLite files in a temp dir. The north broker is absent (a free port
 * nobody listens on), so every scan is decided offline and its event waits in the outbox.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { freePort } from '../../../bin/support/free-port.ts';
import { parseConfig } from '../../../config/load-config.ts';
import { siteConfigSchema } from '../../../config/site-schema.ts';
import { startShelfSimulator, type ShelfSimulator } from '../../../simulators/modbus/index.ts';
import { startGateway, type RunningGateway } from '../../gateway-daemon.ts';

export const DEMO_MASTER_DATA = resolve(import.meta.dirname, '../../../config/examples/demo-plant.master-data.yaml');

/** Demo master data: scanned by the tests. */
export const demo = {
  butter: '06901234000030',
  milk: '06901234000016',
  /** Butter lot B2403, expired three days ago, on shelf B15. */
  expiredButter: '(01)06901234000030(10)B2403',
  /** Paracetamol lot P2401 on ambient shelf A01 (the earliest lot: FEFO is happy). */
  paracetamol: '(01)06901234000214(10)P2401',
};

export interface ScanGateway {
  gateway: RunningGateway;
  simulator: ShelfSimulator;
  devicePort: number;
  close(): Promise<void>;
}

/** `masterData`: another seed file (default the demo's). */
export async function startScanGateway(options: { masterData?: string } = {}): Promise<ScanGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-scan-'));
  const [modbusPort, northPort] = [await freePort(), await freePort()];
  const simulator = await startShelfSimulator({ port: modbusPort, stepMs: 100 });
  const shelves = Array.from({ length: 8 }, (_, i) => `B${10 + i}`);
  const config = parseConfig(siteConfigSchema, {
    site: { id: 'scan-site' },
    gateway: { group: 'scan-plant', edge: 'gw-scan', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: 0 } },
    north: { url: `mqtt://127.0.0.1:${northPort}`, reconnect: { initialDelayMs: 500, maxDelayMs: 5000 } },
    connectors: [{
      name: 'shelf-sensors', protocol: 'modbus',
      connection: { transport: 'tcp', host: '127.0.0.1', port: modbusPort },
      timeoutMs: 500, pollIntervalMs: 100,
      tags: shelves.flatMap((shelf, i) => [
        { name: `${shelf}/temperature`, address: `ir:${2 * i}:int16`, scale: 0.1 },
        { name: `${shelf}/humidity`, address: `ir:${2 * i + 1}:uint16`, scale: 0.1 },
      ]),
    }],
    scanning: { broker: { host: '127.0.0.1', port: 0 }, masterData: DEMO_MASTER_DATA },
  }, 'scan test site');
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ config, logger: pino({ level: 'silent' }), closeDrainTimeoutMs: 0 });
  } catch (error) {
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    gateway,
    simulator,
    devicePort: gateway.deviceBroker!.port,
    async close() {
      await gateway.close();
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a mosquitto client (spawned, not blocking the event loop the gateway runs on). */
export function mosquitto(command: 'mosquitto_pub' | 'mosquitto_sub', args: string[], timeoutMs = 15_000): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
