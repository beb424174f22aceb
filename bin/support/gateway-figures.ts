/** A running gateway's figures as a fault scenario watches them, from its GET /health. */
import { getJson, waitFor } from './wait-for.ts';

export interface GatewayFigures {
  /** Every connector's link to its device is up. */
  devicesUp: boolean;
  /** The north (MQTT) link. */
  linkState: string;
  lastError: string | null;
  outboxRows: number;
  dropped: number;
  pointsPublished: number;
  /** Rows queued before the current session still to be replayed (all rows while disconnected). */
  backlogRows: number;
  /** Backlog points replayed with isHistorical and acknowledged, since this process started. */
  historicalPoints: number;
  /** null without north.primaryHostId. */
  hostOnline: boolean | null;
  /** Sessions this process ended because the primary host went offline. */
  hostOfflineDisconnects: number;
}

interface Health {
  links: Record<string, string>;
  north: {
    linkState: string; lastError: string | null; pointsPublished: number;
    backlogRows?: number; historicalPointsPublished?: number; hostOnline?: boolean | null; hostOfflineDisconnects?: number;
  };
  outbox: { rows: number; dropped: number };
}

/** Fails when /health lacks a figure, rather than let a test compare undefined. */
function figure<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`the gateway's /health has no north.${name}`);
  return value;
}

export async function gatewayFigures(httpPort: number): Promise<GatewayFigures> {
  const { links, north, outbox } = await getJson<Health>(`http://127.0.0.1:${httpPort}/health`);
  return {
    devicesUp: Object.values(links).every((state) => state === 'up'),
    linkState: north.linkState,
    lastError: north.lastError,
    outboxRows: outbox.rows,
    dropped: outbox.dropped,
    pointsPublished: north.pointsPublished,
    backlogRows: figure(north.backlogRows, 'backlogRows'),
    historicalPoints: figure(north.historicalPointsPublished, 'historicalPointsPublished'),
    hostOnline: figure(north.hostOnline, 'hostOnline'),
    hostOfflineDisconnects: figure(north.hostOfflineDisconnects, 'hostOfflineDisconnects'),
  };
}

/** Waits until the gateway's figures satisfy `holds`; resolves with them. */
export function untilGatewayFigures(httpPort: number, what: string, holds: (now: GatewayFigures) => boolean, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<GatewayFigures> {
  return waitFor(what, async () => {
    const now = await gatewayFigures(httpPort);
    return holds(now) ? now : undefined;
  }, { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: options.intervalMs ?? 50 });
}
