/**
 * The cloud and the gateway against an external broker: Debian's mosquitto (an independent
 * MQTT implementation) with password authentication, instead of the embedded aedes.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startChildPart, type ChildPart } from '../support/child-part.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { freePort } from '../support/free-port.ts';
import { getJson, waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-mosquitto-'));
const parts: ChildPart[] = [];
const output: string[] = [];
let mosquitto: ChildProcess | undefined;

afterAll(async () => {
  for (const part of parts.reverse()) await part.stop();
  mosquitto?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

function findTool(name: string): string {
  for (const candidate of [`/usr/sbin/${name}`, `/usr/bin/${name}`]) if (existsSync(candidate)) return candidate;
  throw new Error(`${name} is missing; install it with: apt-get update && apt-get install -y mosquitto mosquitto-clients`);
}

describe('external broker (mosquitto)', () => {
  it('carries shelf readings from the gateway to the cloud through mosquitto with password auth', async () => {
    const mosquittoBin = findTool('mosquitto');
    const ports = { mqtt: await freePort(), http: await freePort(), modbus: await freePort(), gateway: await freePort() };
    // mosquitto drops root privileges to its own user, which must be able to read these files.
    chmodSync(dir, 0o755);
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, '');
    execFileSync(findTool('mosquitto_passwd'), ['-b', passwd, 'gw-ext', 'gw-ext-password']);
    execFileSync(findTool('mosquitto_passwd'), ['-b', passwd, 'cloud-ingest', 'ingest-password']);
    chmodSync(passwd, 0o644);
    writeFileSync(join(dir, 'mosquitto.conf'), [
      `listener ${ports.mqtt} 127.0.0.1`, 'allow_anonymous false', `password_file ${passwd}`, 'persistence false', 'log_dest stdout', '',
    ].join('\n'));
    mosquitto = spawn(mosquittoBin, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    mosquitto.stdout!.on('data', (d: Buffer) => output.push(`mosquitto: ${d.toString().trim()}`));
    mosquitto.stderr!.on('data', (d: Buffer) => output.push(`mosquitto: ${d.toString().trim()}`));

    writeFileSync(join(dir, 'cloud.yaml'), stringify({
      dataDir: join(dir, 'cloud'),
      http: { host: '127.0.0.1', port: ports.http },
      broker: { mode: 'external', url: `mqtt://127.0.0.1:${ports.mqtt}`, username: 'cloud-ingest', password: 'ingest-password' },
      auth: { demoUsers: true, secureCookies: false },
    }));
    writeFileSync(join(dir, 'site.yaml'), stringify({
      site: { id: 'ext' },
      gateway: { group: 'ext-plant', edge: 'gw-ext', dataDir: join(dir, 'gateway'), http: { host: '127.0.0.1', port: ports.gateway } },
      north: { url: `mqtt://127.0.0.1:${ports.mqtt}`, username: 'gw-ext', password: 'gw-ext-password' },
      connectors: [{
        name: 'shelves', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: ports.modbus }, pollIntervalMs: 200,
        tags: [{ name: 'B10/temperature', address: 'ir:0:int16', scale: 0.1, unit: '°C' }, { name: 'samples', address: 'hr:10:uint32' }],
      }],
    }));
    const start = (name: string, args: string[]) => {
      const part = startChildPart(name, args, process.env, (line) => output.push(line));
      parts.push(part);
      return part;
    };
    try {
      start('simulator', ['simulate', 'modbus', '--port', String(ports.modbus), '--step-ms', '200']);
      start('cloud', ['cloud', '--config', join(dir, 'cloud.yaml')]);
      start('gateway', ['gateway', '--config', join(dir, 'site.yaml')]);
      const api = `http://127.0.0.1:${ports.http}`;
      const cloud = cloudClient(api, 'auditor');
      const latest = await waitFor('readings through mosquitto', async () => {
        const values = await cloud.getJson<Array<{ tag: string; value: unknown; unit: string | null; quality: string }>>('/api/telemetry/latest?edge=gw-ext');
        return values.some((v) => v.tag === 'B10/temperature' && v.quality === 'good') ? values : undefined;
      }, { timeoutMs: 30_000 });
      expect(latest.find((v) => v.tag === 'B10/temperature')).toMatchObject({ unit: '°C', quality: 'good' });
      // All three start at once: if the gateway's births went out before the ingest subscribed, its
      // DATA was refused as unknown aliases and the ingest asked it to rebirth. Nothing else is refused.
      const { ingest } = await getJson<{ ingest: { rejectedByReason: Record<string, number>; rebirthRequests: number } }>(`${api}/api/health`);
      expect(Object.keys(ingest.rejectedByReason).filter((reason) => reason !== 'unknown_alias')).toEqual([]);
      if (ingest.rejectedByReason.unknown_alias) expect(ingest.rebirthRequests).toBeGreaterThan(0);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- output ---\n${output.slice(-40).join('\n')}`);
    }
  }, 60_000);
});
