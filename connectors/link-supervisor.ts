/**
 * Keeps one device link up: open it, wait until it drops, back off (jittered exponential),
 * open again, until closed. connect() waits for the first success and never rejects because
 * the device is away, only when its signal aborts, the supervisor closes, or a fatal error
 * (one that retrying cannot fix) occurs.
 *
 * Protocol-agnostic: shared by the Modbus and S7 connectors; it knows only `open` and `close`.
 */
import { backoffDelayMs, type BackoffPolicy } from './backoff.ts';
import { sleep, type Clock } from './clock.ts';
import type { LinkState } from './connector.ts';
import { ConnectorError } from './errors.ts';
import type { ConnectorLogger } from './connector-logger.ts';

export interface LinkSupervisorOptions {
  /** Named in log lines and errors. */
  name: string;
  /** Opens the link; rejects when the device cannot be reached. */
  open(): Promise<void>;
  /** Closes the link; never rejects. */
  close(): Promise<void>;
  /** True for errors that retrying cannot fix (e.g. a missing driver). */
  isFatal(err: unknown): boolean;
  policy: BackoffPolicy;
  clock: Clock;
  random: () => number;
  logger: ConnectorLogger;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class LinkSupervisor {
  private current: LinkState = 'down';
  private everUp = false;
  private closed = false;
  private fatal: unknown;
  private reconnectCount = 0;
  private loop: { abort: AbortController; done: Promise<void> } | undefined;
  /** A stopped loop may still be finishing an open on the shared link: the next starts after it. */
  private stoppingLoop: Promise<void> = Promise.resolve();
  private readonly waiters = new Set<Waiter>();
  private releaseLost: (() => void) | undefined;

  constructor(private readonly opts: LinkSupervisorOptions) {}

  get state(): LinkState {
    return this.current;
  }

  /** Times the link came back after it was lost. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  connect(signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new ConnectorError('LINK_DOWN', `connector "${this.opts.name}" is closed`));
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.current === 'up') return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.startLoop();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.waiters.delete(waiter);
        // Nobody waits any more and the link never came up: stop trying, as the Connector
        // contract says. Once the link has been up, only close() stops reconnecting.
        if (this.waiters.size === 0 && !this.everUp) this.stopLoop();
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        resolve: () => { signal?.removeEventListener('abort', onAbort); resolve(); },
        reject: (err) => { signal?.removeEventListener('abort', onAbort); reject(err); },
      };
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Takes the link down now (requests stop queueing behind a dead link) and reconnects. */
  lost(reason: unknown): void {
    if (this.current !== 'up') return;
    this.current = 'down';
    this.opts.logger.warn({ connector: this.opts.name, err: messageOf(reason) }, 'link lost; reconnecting');
    this.releaseLost?.();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.current = 'closed';
    this.settleWaiters(new ConnectorError('LINK_DOWN', `connector "${this.opts.name}" was closed before it connected`));
    const loop = this.loop;
    this.stopLoop();
    this.releaseLost?.();
    await loop?.done;
    await this.opts.close();
  }

  private settleWaiters(err?: unknown): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) {
      if (err === undefined) w.resolve();
      else w.reject(err);
    }
  }

  private startLoop(): void {
    if (this.loop) return;
    this.setState(this.everUp ? 'down' : 'connecting');
    const abort = new AbortController();
    const loop = { abort, done: Promise.resolve() };
    loop.done = this.stoppingLoop.then(() => this.run(abort.signal)).finally(() => {
      if (this.loop === loop) this.loop = undefined;
    });
    this.loop = loop;
  }

  private stopLoop(): void {
    if (!this.loop) return;
    this.loop.abort.abort();
    this.stoppingLoop = this.loop.done;
    this.loop = undefined;
  }

  private setState(state: LinkState): void {
    if (!this.closed) this.current = state;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { name, logger } = this.opts;
    let attempt = 0;
    let failureLogged = false;
    while (!signal.aborted) {
      this.setState(this.everUp ? 'down' : 'connecting');
      try {
        await this.opts.open();
        if (signal.aborted) {
          await this.opts.close();
          break;
        }
        const lost = new Promise<void>((resolve) => { this.releaseLost = resolve; });
        this.setState('up');
        if (this.everUp) this.reconnectCount += 1;
        logger.info({ connector: name, reconnect: this.everUp }, this.everUp ? 'link restored' : 'link up');
        this.everUp = true;
        attempt = 0;
        failureLogged = false;
        this.settleWaiters();
        await lost;
        this.releaseLost = undefined;
        await this.opts.close();
      } catch (err) {
        if (this.opts.isFatal(err)) {
          this.fatal = err;
          this.setState('down');
          logger.error({ connector: name, err: messageOf(err) }, 'cannot open the link; not retrying');
          this.settleWaiters(err);
          return;
        }
        // The first failure of an outage is a warning; the retries that follow are noise.
        logger[failureLogged ? 'debug' : 'warn']({ connector: name, attempt, err: messageOf(err) }, 'connect failed; retrying');
        failureLogged = true;
      }
      if (signal.aborted) break;
      try {
        await sleep(backoffDelayMs(attempt++, this.opts.policy, this.opts.random), { clock: this.opts.clock, signal });
      } catch {
        break;
      }
    }
    if (this.current !== 'up') this.setState('down');
  }
}
