/**
 * The Sparkplug session of every edge node and device, as the cloud's host application follows
 * them: online from NBIRTH until the NDEATH of that same session (matched by bdSeq), devices from
 * DBIRTH until DDEATH or their node's death, and what the ingest counted against each node (seq
 * gaps, rebirth requests, rejected frames, stale deaths). The ingest writes it; the web API reads
 * it (GET /api/gateways/sessions, and `stale` on GET /api/telemetry/latest).
 *
 * State lives in memory; each change is handed to an optional persistence port in the same call
 * (sqlite-edge-sessions.ts keeps it in the cloud's SQLite file), so a cloud restart starts from
 * the sessions it last knew and the broker's queued NDEATHs bring it up to date.
 */
import { systemClock, type Clock } from '../../connectors/clock.ts';

export interface EdgeDeviceSession {
  /** Sparkplug device id (the gateway's connector name). */
  name: string;
  online: boolean;
  /** Host time of its last DBIRTH, ms since the epoch; null if never seen. */
  lastBirthAt: number | null;
  /** Host time of its last DDEATH (or its node's death), ms since the epoch. */
  lastDeathAt: number | null;
}

export interface EdgeNodeCounters {
  /** NBIRTHs received. */
  births: number;
  /** DATA/DBIRTH/DDEATH frames whose seq was not the previous one + 1 (mod 256). */
  seqGaps: number;
  /** NCMD 'Node Control/Rebirth' requests sent to this node. */
  rebirthRequests: number;
  /** Frames from this node the ingest rejected (malformed, unknown alias, ...). */
  rejectedFrames: number;
  /** NDEATHs ignored because their bdSeq was not the current session's (late Wills). */
  staleDeaths: number;
}

export interface EdgeNodeRecord extends EdgeNodeCounters {
  group: string;
  edge: string;
  online: boolean;
  /** bdSeq of the current (or last) session, from its NBIRTH; null if it carried none. */
  bdSeq: number | null;
  /** Host time of the last NBIRTH, ms since the epoch. */
  lastBirthAt: number | null;
  /** Host time of the last NDEATH that ended a session, ms since the epoch. */
  lastDeathAt: number | null;
}

export interface EdgeNodeSession extends EdgeNodeRecord {
  /** Ordered by name. */
  devices: EdgeDeviceSession[];
}

/** What the web API reads. */
export interface EdgeSessionsView {
  /** Every edge node seen, ordered by group and edge. */
  list(): EdgeNodeSession[];
  /**
   * Whether the values of a device (NODE_DEVICE '' for node metrics) are stale: its node or the
   * device is offline, or the host has lost the broker. Unknown nodes and devices are not stale:
   * nothing says so.
   * [tck-id-operational-behavior-edge-node-termination-host-action-ndeath-node-tags-stale]
   * [tck-id-operational-behavior-edge-node-termination-host-action-ndeath-devices-tags-stale]
   * [tck-id-operational-behavior-edge-node-termination-host-action-ddeath-devices-tags-stale]
   */
  isStale(group: string, edge: string, device: string): boolean;
}

/** Where sessions survive a restart; an implementation writes each call in one transaction. */
export interface EdgeSessionPersistence {
  load(): EdgeNodeSession[];
  /** Upserts the node row and, when given, those of these devices. */
  save(node: EdgeNodeRecord, devices?: readonly EdgeDeviceSession[]): void;
}

export type NodeDeathOutcome = 'ended' | 'stale';

interface NodeState {
  record: EdgeNodeRecord;
  devices: Map<string, EdgeDeviceSession>;
}

function key(group: string, edge: string): string {
  return `${group}\u0000${edge}`;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class EdgeSessions implements EdgeSessionsView {
  readonly #nodes = new Map<string, NodeState>();
  readonly #clock: Pick<Clock, 'now'>;
  readonly #persistence: EdgeSessionPersistence | undefined;
  #hostConnected = true;

  constructor(options: { clock?: Pick<Clock, 'now'>; persistence?: EdgeSessionPersistence } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#persistence = options.persistence;
    for (const node of this.#persistence?.load() ?? []) {
      const { devices, ...record } = node;
      this.#nodes.set(key(node.group, node.edge), { record, devices: new Map(devices.map((d) => [d.name, { ...d }])) });
    }
  }

  /** The host's own link to the broker; while it is down every value is stale. */
  setHostConnected(connected: boolean): void {
    this.#hostConnected = connected;
  }

  #node(group: string, edge: string): NodeState {
    const k = key(group, edge);
    let node = this.#nodes.get(k);
    if (!node) {
      node = {
        record: {
          group, edge, online: false, bdSeq: null, lastBirthAt: null, lastDeathAt: null,
          births: 0, seqGaps: 0, rebirthRequests: 0, rejectedFrames: 0, staleDeaths: 0,
        },
        devices: new Map(),
      };
      this.#nodes.set(k, node);
    }
    return node;
  }

  #save(node: NodeState, devices?: readonly EdgeDeviceSession[]): void {
    this.#persistence?.save(node.record, devices);
  }

  /**
   * A new session. Its devices are offline until their DBIRTH of this session: an NBIRTH is
   * followed by a DBIRTH for every device the node has
   * [tck-id-operational-behavior-data-commands-rebirth-action-2].
   */
  nodeBirth(group: string, edge: string, bdSeq: number | null): void {
    const node = this.#node(group, edge);
    const now = this.#clock.now();
    Object.assign(node.record, { online: true, bdSeq, lastBirthAt: now, births: node.record.births + 1 });
    const changed: EdgeDeviceSession[] = [];
    for (const device of node.devices.values()) {
      if (!device.online) continue;
      device.online = false;
      changed.push(device);
    }
    this.#save(node, changed);
  }

  /**
   * The end of a session, if the NDEATH's bdSeq is the current session's; any other is a Will
   * left by an older connection and changes nothing [tck-id-payloads-ndeath-bdseq]. An NDEATH
   * ends the node and all its devices at this host's time
   * [tck-id-operational-behavior-edge-node-termination-host-action-ndeath-node-offline]
   * [tck-id-operational-behavior-edge-node-termination-host-action-ndeath-devices-offline].
   */
  nodeDeath(group: string, edge: string, bdSeq: number | null): NodeDeathOutcome {
    const node = this.#node(group, edge);
    const current = node.record.bdSeq;
    // A session born without a bdSeq can only be ended by a death without one; a node never born
    // here (or born before this table existed) is ended by any death.
    const matches = node.record.lastBirthAt === null || current === bdSeq;
    if (!matches) {
      node.record.staleDeaths++;
      this.#save(node);
      return 'stale';
    }
    const now = this.#clock.now();
    Object.assign(node.record, { online: false, lastDeathAt: now });
    if (node.record.lastBirthAt === null) node.record.bdSeq = bdSeq;
    const changed: EdgeDeviceSession[] = [];
    for (const device of node.devices.values()) {
      if (!device.online) continue;
      Object.assign(device, { online: false, lastDeathAt: now });
      changed.push(device);
    }
    this.#save(node, changed);
    return 'ended';
  }

  deviceBirth(group: string, edge: string, device: string): void {
    this.#device(group, edge, device, true);
  }

  /** [tck-id-operational-behavior-edge-node-termination-host-action-ddeath-devices-offline] */
  deviceDeath(group: string, edge: string, device: string): void {
    this.#device(group, edge, device, false);
  }

  #device(group: string, edge: string, name: string, online: boolean): void {
    const node = this.#node(group, edge);
    let device = node.devices.get(name);
    if (!device) {
      device = { name, online, lastBirthAt: null, lastDeathAt: null };
      node.devices.set(name, device);
    }
    device.online = online;
    if (online) device.lastBirthAt = this.#clock.now();
    else device.lastDeathAt = this.#clock.now();
    this.#save(node, [device]);
  }

  /**
   * The broker kept nothing of the host's previous MQTT session, so deaths may have gone unseen:
   * every node and device believed online is offline until it is born again. Returns the nodes
   * that were online, to be asked to rebirth.
   */
  hostSessionLost(): Array<{ group: string; edge: string }> {
    const wereOnline: Array<{ group: string; edge: string }> = [];
    for (const node of this.#nodes.values()) {
      if (!node.record.online) continue;
      node.record.online = false;
      const changed = [...node.devices.values()].filter((device) => device.online);
      for (const device of changed) device.online = false;
      this.#save(node, changed);
      wereOnline.push({ group: node.record.group, edge: node.record.edge });
    }
    return wereOnline;
  }

  seqGap(group: string, edge: string): void {
    this.#count(group, edge, 'seqGaps');
  }

  rebirthRequested(group: string, edge: string): void {
    this.#count(group, edge, 'rebirthRequests');
  }

  frameRejected(group: string, edge: string): void {
    this.#count(group, edge, 'rejectedFrames');
  }

  #count(group: string, edge: string, counter: keyof EdgeNodeCounters): void {
    const node = this.#node(group, edge);
    node.record[counter]++;
    this.#save(node);
  }

  get(group: string, edge: string): EdgeNodeSession | undefined {
    const node = this.#nodes.get(key(group, edge));
    return node && this.#snapshot(node);
  }

  #snapshot(node: NodeState): EdgeNodeSession {
    const devices = [...node.devices.values()].sort((a, b) => byText(a.name, b.name)).map((d) => ({ ...d }));
    return { ...node.record, devices };
  }

  list(): EdgeNodeSession[] {
    return [...this.#nodes.values()]
      .sort((a, b) => byText(a.record.group, b.record.group) || byText(a.record.edge, b.record.edge))
      .map((node) => this.#snapshot(node));
  }

  isStale(group: string, edge: string, device: string): boolean {
    if (!this.#hostConnected) return true;
    const node = this.#nodes.get(key(group, edge));
    if (!node) return false;
    if (!node.record.online) return true;
    return node.devices.get(device)?.online === false;
  }

  /** Figures for /api/health. */
  counts(): { edgeNodesKnown: number; edgeNodesOnline: number; devicesOnline: number } {
    let edgeNodesOnline = 0;
    let devicesOnline = 0;
    for (const node of this.#nodes.values()) {
      if (node.record.online) edgeNodesOnline++;
      for (const device of node.devices.values()) if (device.online) devicesOnline++;
    }
    return { edgeNodesKnown: this.#nodes.size, edgeNodesOnline, devicesOnline };
  }
}

/** For an app without an ingest (tests of the web API alone): no sessions, nothing stale. */
export const noEdgeSessions: EdgeSessionsView = { list: () => [], isStale: () => false };
