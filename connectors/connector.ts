/**
 * The contract every southbound connector implements. Connectors only report values;
 * the gateway owns cadence, caching, rules, storage and publishing (STYLE.md rule 5).
 */

/** OPC UA / Sparkplug style quality, reduced to the three states a plant engineer acts on. */
export type Quality = 'good' | 'uncertain' | 'bad';

/** A scalar tag value. `null` when the read failed (quality 'bad'). */
export type TagScalar = number | boolean | string | null;

/** One reading of one tag. A failed read is a value too: quality 'bad' with an error code. */
export interface TagValue {
  /** The device (connector) name, also the Sparkplug device id. */
  device: string;
  /** The tag name, also the Sparkplug metric name. */
  tag: string;
  value: TagScalar;
  quality: Quality;
  /** Milliseconds since the Unix epoch, taken when the value was read. */
  ts: number;
  /** Stable code from connectors/errors.ts when quality is not 'good'. */
  error?: string;
}

/** A problem found while validating connector configuration; `path` is relative to the connector. */
export interface TagProblem {
  path: string;
  message: string;
}

/** A set of tags the gateway reads together at one interval. */
export interface ReadGroup {
  name: string;
  intervalMs: number;
  tags: readonly string[];
}

export interface ConnectOptions {
  signal?: AbortSignal;
}

export interface ReadOptions {
  signal?: AbortSignal;
}

/** What the gateway shows about a connector's link. */
export type LinkState = 'connecting' | 'up' | 'down' | 'closed';

export interface Connector {
  readonly name: string;
  readonly protocol: string;
  /** Check every address once at load; report all problems at once, throw nothing. */
  validate(): TagProblem[];
  /** Open the link. Resolves once connected; never rejects because the device is away: it keeps retrying with backoff until the signal aborts. */
  connect(opts?: ConnectOptions): Promise<void>;
  /** Read one group. Never rejects for device errors: failed tags come back with quality 'bad'. */
  read(group: ReadGroup, opts?: ReadOptions): Promise<TagValue[]>;
  /** Write an engineering value to a tag. Rejects with a ConnectorError when the tag is read-only or the link is down. */
  write(tag: string, value: number | boolean, opts?: ReadOptions): Promise<void>;
  /** The groups the gateway should schedule, derived from the tag configuration. */
  groups(): ReadGroup[];
  /** Engineering unit of a tag, if configured. */
  unitOf(tag: string): string | undefined;
  linkState(): LinkState;
  close(): Promise<void>;
}
