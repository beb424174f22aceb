/**
 * Debian's mosquitto as an independent broker for tests: password file, optional acl_file and TLS
 * listener, on free ports of 127.0.0.1. mosquitto drops root to its own user, so everything it
 * reads lives in a world-readable temp folder.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MosquittoOptions {
  /** username -> password */
  users: Record<string, string>;
  /** acl_file content; omitted: no ACL (every authenticated user may do everything). */
  acl?: string;
  /** A plain listener on this port. */
  port?: number;
  /** A TLS listener with these PEM files (paths must be readable by the mosquitto user). */
  tls?: { port: number; certFile: string; keyFile: string };
}

export interface MosquittoProcess {
  readonly dir: string;
  /** Everything mosquitto printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export function findTool(name: string): string {
  for (const candidate of [`/usr/sbin/${name}`, `/usr/bin/${name}`]) if (existsSync(candidate)) return candidate;
  throw new Error(`${name} is missing; install it with: apt-get update && apt-get install -y mosquitto mosquitto-clients`);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

export async function startMosquitto(options: MosquittoOptions): Promise<MosquittoProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-mosquitto-'));
  chmodSync(dir, 0o755);
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, '');
  for (const [username, password] of Object.entries(options.users)) execFileSync(findTool('mosquitto_passwd'), ['-b', passwd, username, password]);
  chmodSync(passwd, 0o644);
  const lines = ['allow_anonymous false', 'persistence false', 'log_dest stdout', 'log_type all', 'per_listener_settings false', `password_file ${passwd}`];
  if (options.acl !== undefined) {
    writeFileSync(join(dir, 'acl'), options.acl, { mode: 0o644 });
    lines.push(`acl_file ${join(dir, 'acl')}`);
  }
  if (options.port !== undefined) lines.push(`listener ${options.port} 127.0.0.1`);
  if (options.tls) lines.push(`listener ${options.tls.port} 127.0.0.1`, `certfile ${options.tls.certFile}`, `keyfile ${options.tls.keyFile}`);
  writeFileSync(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);

  const output: string[] = [];
  const child: ChildProcess = spawn(findTool('mosquitto'), ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const ports = [options.port, options.tls?.port].filter((p): p is number => p !== undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) break;
    if ((await Promise.all(ports.map(portOpen))).every(Boolean)) return { dir, output: () => output.join(''), stop };
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`mosquitto did not start:\n${output.join('')}`);
}
