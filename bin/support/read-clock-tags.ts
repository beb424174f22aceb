/**
 * Tags that change at every read, for tests that must tell a lost sample from one never read.
 *
 * The Modbus shelf simulator holds its uptime in hr:20-23 (float64 seconds, millisecond
 * resolution; simulators/modbus/REGISTER-MAP.md). The float64 is new at every read (reads are at
 * least a poll interval apart), and so is its first 32 bits, hr:20-21 (sign, exponent and the top
 * 20 mantissa bits): below 2048 s one mantissa step there is at most 2^-10 s, finer than the
 * millisecond the uptime moves by. Read as uint32, int32 in four byte orders and as a float32
 * (finite: its exponent field is the top of the double's), that makes ten tags whose values all
 * change at every read, so the change filter reports every read and each read commits exactly
 * one outbox row per tag, all with the read's timestamp. Every slice is a function of the float64
 * read with it, so a stored row can be checked against the other rows of its read.
 *
 * (The lower words are no good: hr:22-23 holds mantissa bits whose pattern repeats every 1/8 s
 * of uptime, so two reads 125 ms apart give the same value and the second is not reported.)
 */
export interface ReadClockTag {
  name: string;
  /** Modbus address (connectors/modbus/modbus-address.ts). */
  address: string;
  /** The value this tag must have in the read whose float64 uptime was `uptimeS`. */
  expected(uptimeS: number): number;
}

/** The float64 itself: strictly increasing in read order. */
export const UPTIME_TAG = 'clock/uptime';

type ByteOrder = 'ABCD' | 'CDAB' | 'DCBA' | 'BADC';

/** hr:20-21 as the value's big-endian bytes A..D, given the order they are on the wire in. */
function firstWords(uptimeS: number, order: ByteOrder): Buffer {
  const wire = Buffer.alloc(8);
  wire.writeDoubleBE(uptimeS); // the simulator serves the float64 ABCD: wire bytes 0-3 are hr:20-21
  const value = Buffer.alloc(4);
  for (let position = 0; position < 4; position++) value['ABCD'.indexOf(order[position]!)] = wire[position]!;
  return value;
}

const orders: readonly ByteOrder[] = ['ABCD', 'CDAB', 'DCBA', 'BADC'];

/** Ten tags, read in one Modbus request (hr:20, 4 registers). */
export const readClockTags: readonly ReadClockTag[] = [
  { name: UPTIME_TAG, address: 'hr:20:float64', expected: (uptimeS) => uptimeS },
  ...orders.flatMap((order): ReadClockTag[] => [
    { name: `clock/hr20-uint32-${order.toLowerCase()}`, address: `hr:20:uint32:${order}`, expected: (s) => firstWords(s, order).readUInt32BE(0) },
    { name: `clock/hr20-int32-${order.toLowerCase()}`, address: `hr:20:int32:${order}`, expected: (s) => firstWords(s, order).readInt32BE(0) },
  ]),
  { name: 'clock/hr20-float32', address: 'hr:20:float32', expected: (s) => firstWords(s, 'ABCD').readFloatBE(0) },
];

/** A site-config connector that reads the clock tags from one simulator. */
export function readClockConnector(name: string, modbusPort: number, pollIntervalMs: number): Record<string, unknown> {
  return {
    name, protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: modbusPort }, pollIntervalMs, timeoutMs: 2000,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500, jitter: 0.2 },
    tags: readClockTags.map(({ name: tag, address }) => ({ name: tag, address })),
  };
}
