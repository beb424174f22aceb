/**
 * The gateway's end of the edge link (docs/gateway-commands.md): hears its own `cmd` topic on the
 * edge node's MQTT session, runs each command through a handler table and answers exactly once
 * per command id on `ack`. A repeated id (a QoS 1 redelivery, a cloud retry) gets the first
 * answer again without running the command twice. A malformed command is answered when it has
 * an id and counted either way; nothing a command does can throw out of here.
 */
import {
  commandSchema, edgeLinkTopic, readJsonPayload,
  type CommandProblem, type CommandType, type ConfigReport, type EdgeAck, type EdgeCommand,
} from '../../connectors/edge-link/index.ts';
import { ConnectorError } from '../../connectors/errors.ts';
import type { Clock } from '../../connectors/clock.ts';
import type { MqttSession } from '../north/mqtt-port.ts';
import type { SessionHooks } from '../north/sparkplug-edge-node.ts';

/** A refusal with a stable code, the reason and, for configurations, every problem. */
export class CommandError extends Error {
  constructor(readonly code: string, message: string, readonly problems?: CommandProblem[]) {
    super(message);
    this.name = 'CommandError';
  }
}

export type CommandHandler = (args: Record<string, unknown>, command: EdgeCommand) => Promise<unknown>;
export type CommandHandlers = Readonly<Record<CommandType, CommandHandler>>;

export interface CommandChannelStats {
  received: number;
  acknowledged: number;
  refused: number;
  malformed: number;
  duplicates: number;
}

export interface CommandChannelOptions {
  group: string;
  edge: string;
  handlers: CommandHandlers;
  /** What the gateway runs now, announced at each session start. */
  configReport: () => ConfigReport;
  clock: Clock;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

/** How many answered ids are remembered for redeliveries. */
const REMEMBERED_IDS = 512;

export class CommandChannel implements SessionHooks {
  readonly topics: readonly string[];
  readonly #o: CommandChannelOptions;
  readonly #answers = new Map<string, Promise<EdgeAck>>();
  #session: MqttSession | undefined;
  readonly #stats: CommandChannelStats = { received: 0, acknowledged: 0, refused: 0, malformed: 0, duplicates: 0 };

  constructor(options: CommandChannelOptions) {
    this.#o = options;
    this.topics = [edgeLinkTopic(options.group, options.edge, 'cmd')];
  }

  stats(): CommandChannelStats {
    return { ...this.#stats };
  }

  onUp(session: MqttSession): void {
    this.#session = session;
    this.announceConfig();
  }

  onDown(): void {
    this.#session = undefined;
  }

  /** Tells the cloud which connectors run now (after a session start or an applied config). */
  announceConfig(): void {
    this.#send('config', this.#o.configReport());
  }

  onMessage(topic: string, payload: Uint8Array): void {
    if (topic !== this.topics[0]) return;
    this.#stats.received++;
    const parsed = readJsonPayload(commandSchema, payload);
    if (!parsed.ok) {
      this.#stats.malformed++;
      const id = idOf(payload);
      this.#o.logger.warn({ topic, err: parsed.error, id }, 'ignored a malformed command');
      if (id) this.#send('ack', { id, type: 'unknown', ok: false, error: { code: 'BAD_COMMAND', message: `the command is malformed: ${parsed.error}` }, at: this.#o.clock.now() });
      return;
    }
    const command = parsed.value;
    let answer = this.#answers.get(command.id);
    if (answer) this.#stats.duplicates++;
    else {
      answer = this.#run(command);
      this.#answers.set(command.id, answer);
      if (this.#answers.size > REMEMBERED_IDS) this.#answers.delete(this.#answers.keys().next().value!);
    }
    answer.then((ack) => this.#send('ack', ack));
  }

  async #run(command: EdgeCommand): Promise<EdgeAck> {
    const base = { id: command.id, type: command.type };
    this.#o.logger.info({ id: command.id, type: command.type, by: command.by }, 'command received');
    try {
      const result = await this.#o.handlers[command.type](command.args, command);
      this.#stats.acknowledged++;
      return { ...base, ok: true, result: result ?? null, at: this.#o.clock.now() };
    } catch (error) {
      this.#stats.refused++;
      const refusal = describeRefusal(error);
      this.#o.logger.warn({ id: command.id, type: command.type, code: refusal.code, reason: refusal.message }, 'command refused');
      return { ...base, ok: false, error: refusal, at: this.#o.clock.now() };
    }
  }

  #send(channel: 'ack' | 'config', message: unknown): void {
    const session = this.#session;
    // Without a session the answer is lost; the cloud times out and asks again (same id).
    if (!session) return;
    session.publish(edgeLinkTopic(this.#o.group, this.#o.edge, channel), Buffer.from(JSON.stringify(message)), 1)
      .catch((error) => this.#o.logger.warn({ err: error, channel }, 'could not publish on the edge link'));
  }
}

function describeRefusal(error: unknown): { code: string; message: string; problems?: CommandProblem[] } {
  if (error instanceof CommandError) return { code: error.code, message: error.message, ...(error.problems ? { problems: error.problems } : {}) };
  if (error instanceof ConnectorError) return { code: error.code, message: error.message };
  return { code: 'FAILED', message: error instanceof Error ? error.message : String(error) };
}

/** The id of a command that failed validation, if it has a usable one, so it can be answered. */
function idOf(payload: Uint8Array): string | undefined {
  try {
    const id = (JSON.parse(Buffer.from(payload).toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' && id.length >= 8 && id.length <= 100 ? id : undefined;
  } catch {
    return undefined;
  }
}
