/**
 * The connectors a running gateway has, and hot reload: given a new connector list, only the
 * connectors whose configuration changed are stopped and started again; every other connector
 * keeps its link and its read loops, so its data has no gap.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ConnectorConfig } from '../config/site-schema.ts';
import type { Connector } from '../connectors/connector.ts';

export interface ConnectorSetDeps {
  create(config: ConnectorConfig): Connector;
  /** Starts polling a connector (the scheduler). */
  schedule(connector: Connector): void;
  /** Stops polling one connector and waits for its reads in flight. */
  unschedule(name: string): Promise<void>;
  /** The connector left: forget its cached values and change-filter state. */
  forget(name: string): void;
  logger: { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export interface ReloadResult {
  added: string[];
  removed: string[];
  restarted: string[];
  unchanged: string[];
}

interface Running {
  config: ConnectorConfig;
  connector: Connector;
  connecting: AbortController;
}

export class ConnectorSet {
  readonly #deps: ConnectorSetDeps;
  readonly #running = new Map<string, Running>();
  #deadbands = new Map<string, number>();

  constructor(deps: ConnectorSetDeps) {
    this.#deps = deps;
  }

  /** Builds a connector per config without linking or scheduling (start() does). */
  load(configs: readonly ConnectorConfig[]): void {
    for (const config of configs) this.#running.set(config.name, { config, connector: this.#deps.create(config), connecting: new AbortController() });
    this.#indexDeadbands();
  }

  connectors(): Connector[] {
    return [...this.#running.values()].map((r) => r.connector);
  }

  configs(): ConnectorConfig[] {
    return [...this.#running.values()].map((r) => r.config);
  }

  get(name: string): Connector | undefined {
    return this.#running.get(name)?.connector;
  }

  configOf(name: string): ConnectorConfig | undefined {
    return this.#running.get(name)?.config;
  }

  deadbandOf(device: string, tag: string): number {
    return this.#deadbands.get(`${device}\u0000${tag}`) ?? 0;
  }

  /** Links every loaded connector in the background (devices may be away: reads report 'bad'). */
  connectAll(): void {
    for (const running of this.#running.values()) this.#connect(running);
  }

  /**
   * Makes the running set match `configs`: removed connectors close, changed ones are replaced,
   * new ones start, the rest are not touched. Connectors are compared by their whole config.
   */
  async apply(configs: readonly ConnectorConfig[]): Promise<ReloadResult> {
    const result: ReloadResult = { added: [], removed: [], restarted: [], unchanged: [] };
    const wanted = new Map(configs.map((c) => [c.name, c]));
    for (const [name, running] of [...this.#running]) {
      const next = wanted.get(name);
      if (next && isDeepStrictEqual(next, running.config)) {
        result.unchanged.push(name);
        continue;
      }
      await this.#stop(running);
      this.#running.delete(name);
      (next ? result.restarted : result.removed).push(name);
    }
    for (const config of configs) {
      if (this.#running.has(config.name)) continue;
      if (!result.restarted.includes(config.name)) result.added.push(config.name);
      const running = { config, connector: this.#deps.create(config), connecting: new AbortController() };
      this.#running.set(config.name, running);
      this.#deps.schedule(running.connector);
      this.#connect(running);
    }
    this.#indexDeadbands();
    return result;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#running.values()].map((running) => {
      running.connecting.abort(new Error('gateway closing'));
      return running.connector.close().catch((error) => this.#deps.logger.warn({ err: error, connector: running.config.name }, 'error while closing connector'));
    }));
  }

  async #stop(running: Running): Promise<void> {
    const name = running.config.name;
    await this.#deps.unschedule(name);
    running.connecting.abort(new Error(`connector ${name} reconfigured`));
    await running.connector.close().catch((error) => this.#deps.logger.warn({ err: error, connector: name }, 'error while closing connector'));
    this.#deps.forget(name);
  }

  #connect(running: Running): void {
    const { connector, connecting } = running;
    connector.connect({ signal: connecting.signal }).then(
      () => this.#deps.logger.info({ connector: connector.name }, 'connector link up'),
      (error) => { if (!connecting.signal.aborted) this.#deps.logger.error({ err: error, connector: connector.name }, 'connector cannot connect'); },
    );
  }

  #indexDeadbands(): void {
    this.#deadbands = new Map(this.configs().flatMap((c) => c.tags.map((t) => [`${c.name}\u0000${t.name}`, t.deadband ?? 0] as const)));
  }
}
