/**
 * Types for the part of nodes7 0.3.18 (CommonJS, ships no types) that s7-port.ts uses.
 * The "internals" are fields of the same object that the port touches to retire a connection
 * for good; they are pinned to 0.3.18 and checked by s7-port.test.ts.
 */
import type { Socket } from 'node:net';

export interface NodeS7ConnectParams {
  host: string;
  port: number;
  rack: number;
  slot: number;
  /** TCP connect timeout and per-packet (ISO connect, PDU, read, write) timeout. */
  timeout: number;
}

export interface NodeS7Item {
  /** A scalar; an array for array addresses; a string for CHAR arrays. */
  value: unknown;
  /** 'OK' or 'BAD <code>' (or an array of those for arrays). */
  quality: unknown;
}

export interface NodeS7Connection {
  /** Calls back once: with nothing when the PDU is negotiated, else with an Error, `{ code }` or a string. */
  initiateConnection(params: NodeS7ConnectParams, callback: (err?: unknown) => void): void;
  setTranslationCB(translate: (tag: string) => string): void;
  /** Queued; applied by the next readAllItems. */
  addItems(items: string | string[]): void;
  /** Queued; no argument removes every item. */
  removeItems(items?: string | string[]): void;
  readAllItems(callback: (anyBadQualities: boolean, values: Record<string, unknown>) => void): void;
  /** Returns non-zero, and queues nothing, while an earlier write is in flight. */
  writeItems(items: string | string[], values: unknown, callback: (anyBadQualities: boolean) => void): number;
  findItem(address: string): NodeS7Item | undefined;

  // internals
  isoclient: Socket | undefined;
  /** 4 = connected and PDU negotiated. */
  isoConnectionState: number;
  connectNow(...args: unknown[]): void;
  connectionCleanup(): void;
  reconnectTimer: NodeJS.Timeout | undefined;
  rereadTimer: NodeJS.Timeout | undefined;
  resetTimeout: NodeJS.Timeout | undefined;
  connectTimeout: NodeJS.Timeout | undefined;
  PDUTimeout: NodeJS.Timeout | undefined;
}

export type NodeS7Constructor = new (opts?: { silent?: boolean; debug?: boolean }) => NodeS7Connection;
