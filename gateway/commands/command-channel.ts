/**
 * The gateway's end of the edge link (docs/gateway-commands.md, docs/edge-events.md): hears its own
 * `cmd` topic on the edge node's MQTT session, runs each command through a handler table and
 * answers each delivery with one acknowledgement on `ack`, through the outbox, so an answer given
 * while the broker is away (or just before a kill -9) still arrives.
 *
 * Idempotent by command id: an id in flight gets the answer of the run under way, an id in the
 * command ledger (which survives restarts) gets the recorded answer again; neither runs twice. The
 * ledger is written before the acknowledgement is queued. A malformed command is answered
 * BAD_COMMAND when it has an id and counted either way; nothing a command does can throw out of here.
 */
import {
  commandSchema, edgeLinkTopic, readJsonPayload,
  type CommandProblem, type CommandType, type ConfigReport, type EdgeAck, type EdgeCommand,
} from '../../connectors/edge-link/index.ts';
import { ConnectorError } from '../../connectors/errors.ts';
import type { Clock } from '../../connectors/clock.ts';
import { sortableIds, type IdSource } from '../events/edge-link-ids.ts';
import type { EdgeLinkSender, GatewayChannel } from '../events/edge-link-outbox.ts';
import type { SessionHooks } from '../north/sparkplug-edge-node.ts';
import type { CommandLedger } from './command-ledger.ts';

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
  /** Deliveries of an id already in flight or in the ledger: answered, not run. */
  duplicates: number;
  /** Answers the ledger could not record (the command ran; a re-send of it would run again). */
  ledgerFailures: number;
  /** Acknowledgements or reports the outbox could not take (lost; the cloud times out and may ask again). */
  sendFailures: number;
}

export interface CommandChannelOptions {
  group: string;
  edge: string;
  handlers: CommandHandlers;
  /** What the gateway runs now, announced at each session start. */
  configReport: () => ConfigReport;
  /** Where acknowledgements and configuration reports go: the outbox. */
  link: EdgeLinkSender;
  ledger: CommandLedger;
  clock: Clock;
  /** Ids of configuration reports; default sortableIds(clock). */
  ids?: IdSource;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

export class CommandChannel implements SessionHooks {
  readonly topics: readonly string[];
  readonly #o: CommandChannelOptions;
  readonly #ids: IdSource;
  /** Commands running now, by id: a redelivery meanwhile waits for the same answer. */
  readonly #running = new Map<string, Promise<EdgeAck>>();
  readonly #stats: CommandChannelStats = { received: 0, acknowledged: 0, refused: 0, malformed: 0, duplicates: 0, ledgerFailures: 0, sendFailures: 0 };

  constructor(options: CommandChannelOptions) {
    this.#o = options;
    this.#ids = options.ids ?? sortableIds(options.clock);
    this.topics = [edgeLinkTopic(options.group, options.edge, 'cmd')];
  }

  stats(): CommandChannelStats {
    return { ...this.#stats };
  }

  onUp(): void {
    this.announceConfig();
  }

  onDown(): void {
    // Nothing to do: answers go to the outbox, which the next session drains.
  }

  /** Tells the cloud which connectors run now (after a session start or an applied config). */
  announceConfig(): void {
    const report = this.#o.configReport();
    const id = this.#ids(`config-v${report.version}`);
    this.#send('config', id, { ...report, id });
  }

  onMessage(topic: string, payload: Uint8Array): void {
    if (topic !== this.topics[0]) return;
    this.#stats.received++;
    const parsed = readJsonPayload(commandSchema, payload);
    if (!parsed.ok) {
      this.#stats.malformed++;
      const id = idOf(payload);
      this.#o.logger.warn({ topic, err: parsed.error, id }, 'ignored a malformed command');
      if (id) this.#send('ack', id, { id, type: 'unknown', ok: false, error: { code: 'BAD_COMMAND', message: `the command is malformed: ${parsed.error}` }, at: this.#o.clock.now() });
      return;
    }
    const command = parsed.value;
    const running = this.#running.get(command.id);
    if (running) this.#stats.duplicates++;
    (running ?? this.#answerOf(command)).then((ack) => this.#send('ack', ack.id, ack));
  }

  /** The recorded answer, or a new run whose answer is recorded before anyone is told it. */
  #answerOf(command: EdgeCommand): Promise<EdgeAck> {
    let recorded: EdgeAck | undefined;
    try {
      recorded = this.#o.ledger.answerOf(command.id);
    } catch (error) {
      // Running it without knowing whether it ran before could apply it twice: refuse instead.
      this.#o.logger.error({ err: error, id: command.id }, 'cannot read the command ledger');
      this.#stats.refused++;
      return Promise.resolve(refusal(command, { code: 'FAILED', message: `cannot check whether this command ran before (command ledger: ${(error as Error).message}); send it again later` }, this.#o.clock.now()));
    }
    if (recorded) {
      this.#stats.duplicates++;
      this.#o.logger.info({ id: command.id, type: command.type }, 'command already processed; answering from the ledger');
      return Promise.resolve(recorded);
    }
    const answer = this.#run(command).then((ack) => {
      this.#record(ack);
      return ack;
    }).finally(() => this.#running.delete(command.id));
    this.#running.set(command.id, answer);
    return answer;
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
      const reason = describeRefusal(error);
      this.#o.logger.warn({ id: command.id, type: command.type, code: reason.code, reason: reason.message }, 'command refused');
      return refusal(command, reason, this.#o.clock.now());
    }
  }

  #record(ack: EdgeAck): void {
    try {
      this.#o.ledger.record(ack);
    } catch (error) {
      // The command ran: still answer, but a re-send of this id would run it again.
      this.#stats.ledgerFailures++;
      this.#o.logger.error({ err: error, id: ack.id, type: ack.type }, 'cannot record the command in the ledger');
    }
  }

  #send(channel: GatewayChannel, id: string, message: object): void {
    try {
      this.#o.link.send(channel, id, message);
    } catch (error) {
      // Lost: the cloud's wait times out; a re-send of the command is answered from the ledger.
      this.#stats.sendFailures++;
      this.#o.logger.error({ err: error, channel, id }, 'cannot queue an edge-link message in the outbox');
    }
  }
}

function refusal(command: EdgeCommand, error: { code: string; message: string; problems?: CommandProblem[] }, at: number): EdgeAck {
  return { id: command.id, type: command.type, ok: false, error, at };
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
