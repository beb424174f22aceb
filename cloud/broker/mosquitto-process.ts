/**
 * Debian's mosquitto as an independent broker for tests, the one helper that starts it: config
 * file, password file (made by mosquitto_passwd), optional acl_file, plain and/or TLS listener,
 * optional persistence, halt/launch for outages, restart and stop, on ports of 127.0.0.1. Its log
 * (every packet by default) is kept, and connections() reads the protocol level each client spoke.
 * mosquitto drops root to its own user, so everything it reads lives in a world-readable folder
 * and what it writes in a world-writable one.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  /** Keep sessions, queued QoS 1 messages and retained messages on disk across restarts; default false. */
  persistence?: boolean;
  /**
   * Config, password file and persistence go here, and stop() leaves the folder alone; omitted: a
   * temp folder of its own, removed by stop(). The folder is made world-traversable; its parents
   * must be too (mkdtemp makes 0700 folders).
   */
  dir?: string;
  /** mosquitto log_type values; default ['all'] (every packet: connections() and the ACL denials need it). */
  logTypes?: readonly string[];
  /** Further mosquitto.conf lines, e.g. 'set_tcp_nodelay true'. */
  extraConfig?: readonly string[];
}

/** Protocol level as mosquitto logs it in "New client connected ... (p2, ...)". */
export type MosquittoProtocol = 'mqttv31' | 'mqttv311' | 'mqttv5';

const protocolByLogLevel: Readonly<Record<string, MosquittoProtocol>> = { p1: 'mqttv31', p2: 'mqttv311', p5: 'mqttv5' };

/** One accepted CONNECT, read from mosquitto's log. */
export interface MosquittoConnection {
  clientId: string;
  protocol: MosquittoProtocol;
  /** Clean session (3.1.1) / clean start (5). */
  cleanStart: boolean;
  keepaliveS: number;
  username: string | undefined;
}

export interface MosquittoProcess {
  readonly dir: string;
  /** With persistence: the file mosquitto writes when it stops (SIGTERM). */
  readonly persistenceFile: string | undefined;
  /** Everything mosquitto printed across launches, for failure messages and log checks. */
  output(): string;
  /** Every client that got in, in order, with the protocol level mosquitto saw. */
  connections(): MosquittoConnection[];
  running(): boolean;
  /** Stops mosquitto and keeps its folder, for an outage of any length; SIGTERM saves persistence first, SIGKILL does not. */
  halt(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again with the same config and ports; resolves once every listener accepts connections. */
  launch(): Promise<void>;
  /** halt() then launch(): sessions survive with persistence. */
  restart(): Promise<void>;
  /** halt(), and removes the folder if it is its own. */
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

// e.g. "1700000000: New client connected from 127.0.0.1:5012 as gw-1 (p5, c1, k30, u'gw-1')."
const connectedLine = /New client connected from \S+ as (\S+) \((p\d), c(\d), k(\d+)(?:, u'([^']*)')?\)/;

/** Parses mosquitto's "New client connected" log lines. */
export function parseMosquittoConnections(log: string): MosquittoConnection[] {
  const connections: MosquittoConnection[] = [];
  for (const line of log.split('\n')) {
    const match = connectedLine.exec(line);
    if (!match) continue;
    const protocol = protocolByLogLevel[match[2]!];
    if (!protocol) throw new Error(`mosquitto logged protocol level "${match[2]}": expected one of ${Object.keys(protocolByLogLevel).join(', ')}`);
    connections.push({ clientId: match[1]!, protocol, cleanStart: match[3] === '1', keepaliveS: Number(match[4]), username: match[5] });
  }
  return connections;
}

function writeConfig(dir: string, options: MosquittoOptions): string {
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, '');
  for (const [username, password] of Object.entries(options.users)) execFileSync(findTool('mosquitto_passwd'), ['-b', passwd, username, password]);
  chmodSync(passwd, 0o644);
  // stderr, not stdout: libc buffers stdout into a pipe in blocks, so the log would lag behind.
  const lines = ['allow_anonymous false', 'log_dest stderr', ...(options.logTypes ?? ['all']).map((type) => `log_type ${type}`),
    'per_listener_settings false', `password_file ${passwd}`];
  if (options.persistence) {
    const data = join(dir, 'data');
    mkdirSync(data, { recursive: true });
    chmodSync(data, 0o777); // written by the mosquitto user
    lines.push('persistence true', `persistence_location ${data}/`);
  } else {
    lines.push('persistence false');
  }
  lines.push(...(options.extraConfig ?? []));
  if (options.acl !== undefined) {
    writeFileSync(join(dir, 'acl'), options.acl, { mode: 0o644 });
    lines.push(`acl_file ${join(dir, 'acl')}`);
  }
  if (options.port !== undefined) lines.push(`listener ${options.port} 127.0.0.1`);
  if (options.tls) lines.push(`listener ${options.tls.port} 127.0.0.1`, `certfile ${options.tls.certFile}`, `keyfile ${options.tls.keyFile}`);
  const file = join(dir, 'mosquitto.conf');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export async function startMosquitto(options: MosquittoOptions): Promise<MosquittoProcess> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'edgestock-mosquitto-'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const configFile = writeConfig(dir, options);
  const ports = [options.port, options.tls?.port].filter((p): p is number => p !== undefined);
  const output: string[] = [];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  // A test run that dies must not leave a broker behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const halt = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (running()) child!.kill(signal);
    await exited;
  };
  const launch = async () => {
    if (running()) throw new Error('mosquitto is already running; halt() it first');
    const started = spawn(findTool('mosquitto'), ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    started.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (started.exitCode === null && Date.now() < deadline) {
      if ((await Promise.all(ports.map(portOpen))).every(Boolean)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await halt();
    throw new Error(`mosquitto did not start (listening on ${ports.join(', ')} expected):\n${output.join('')}`);
  };
  const stop = async () => {
    await halt();
    process.off('exit', killOnExit);
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dir,
    persistenceFile: options.persistence ? join(dir, 'data', 'mosquitto.db') : undefined,
    output: () => output.join(''),
    connections: () => parseMosquittoConnections(output.join('')),
    running,
    halt,
    launch,
    async restart() {
      await halt();
      await launch();
    },
    stop,
  };
}
