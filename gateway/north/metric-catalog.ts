/**
 * Every metric the edge node will ever report, with its Sparkplug alias and datatype.
 *
 * Aliases are unique across the whole edge node [tck-id-payloads-alias-uniqueness] and stable for a
 * given configuration: the node's own metrics first, then device tags in sorted (device, tag) order,
 * so a restart with the same configuration assigns the same aliases.
 */
import type { ScalarDataTypeName } from '../../connectors/sparkplug/index.ts';

export interface CatalogTag {
  name: string;
  datatype: ScalarDataTypeName;
  /** Engineering unit, sent as the 'engUnit' property in DBIRTH. */
  unit?: string;
}

export interface CatalogDevice {
  /** The Sparkplug device id (the connector name). */
  name: string;
  /** The connector protocol, sent as the 'protocol' property in DBIRTH. */
  protocol: string;
  tags: readonly CatalogTag[];
}

export interface CatalogEntry extends CatalogTag {
  device: string;
  alias: number;
}

export const BDSEQ_METRIC = 'bdSeq';
export const REBIRTH_METRIC = 'Node Control/Rebirth';

/** The node's store-and-forward figures (node-status.ts), in NBIRTH and then in NDATA. */
export const OUTBOX_ROWS_METRIC = 'Outbox/Rows';
export const OUTBOX_BYTES_METRIC = 'Outbox/Bytes';
export const OUTBOX_MAX_BYTES_METRIC = 'Outbox/Max Bytes';
export const OUTBOX_DROPPED_METRIC = 'Outbox/Dropped';
export const OUTBOX_BACKLOG_METRIC = 'Outbox/Backlog';

/**
 * Aliases of the node metrics (NBIRTH). 0 is avoided: it is protobuf's "not set". 'Node Control/
 * Rebirth' has none: hosts must send it by name [tck-id-operational-behavior-data-commands-rebirth-name-aliases];
 * 2 stays unused so the other aliases do not move.
 */
export const nodeMetricAliases = {
  [BDSEQ_METRIC]: 1,
  [OUTBOX_ROWS_METRIC]: 3,
  [OUTBOX_BYTES_METRIC]: 4,
  [OUTBOX_MAX_BYTES_METRIC]: 5,
  [OUTBOX_DROPPED_METRIC]: 6,
  [OUTBOX_BACKLOG_METRIC]: 7,
} as const;
const FIRST_DEVICE_ALIAS = 8;

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class MetricCatalog {
  readonly #devices: readonly CatalogDevice[];
  readonly #entries = new Map<string, Map<string, CatalogEntry>>();

  constructor(devices: readonly CatalogDevice[]) {
    const seen = new Set<string>();
    for (const device of devices) {
      // [tck-id-topic-structure-namespace-unique-device-id]
      if (seen.has(device.name)) throw new Error(`Device "${device.name}" is configured twice; Sparkplug device ids must be unique per edge node`);
      seen.add(device.name);
    }
    this.#devices = [...devices]
      .sort((a, b) => byCodePoint(a.name, b.name))
      .map((d) => ({ ...d, tags: [...d.tags].sort((a, b) => byCodePoint(a.name, b.name)) }));
    let alias = FIRST_DEVICE_ALIAS;
    for (const device of this.#devices) {
      const tags = new Map<string, CatalogEntry>();
      for (const tag of device.tags) {
        if (tags.has(tag.name)) throw new Error(`Tag "${tag.name}" appears twice on device "${device.name}"`);
        tags.set(tag.name, { ...tag, device: device.name, alias: alias++ });
      }
      this.#entries.set(device.name, tags);
    }
  }

  /** Devices in alias order, each with its tags in alias order. */
  devices(): readonly CatalogDevice[] {
    return this.#devices;
  }

  hasDevice(device: string): boolean {
    return this.#entries.has(device);
  }

  entry(device: string, tag: string): CatalogEntry | undefined {
    return this.#entries.get(device)?.get(tag);
  }

  entries(device: string): CatalogEntry[] {
    return [...(this.#entries.get(device)?.values() ?? [])];
  }
}
