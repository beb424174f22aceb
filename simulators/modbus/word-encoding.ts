/**
 * The simulator's own value -> register encoding. Deliberately independent of
 * connectors/modbus/modbus-codec.ts (DESIGN.md: a simulator that shares the project's codec
 * cannot catch the project's codec bugs), and written with Buffer instead of DataView.
 */

/** int16 two's complement in one register; values outside -32768..32767 saturate. */
export function int16Word(value: number): number {
  const clamped = Math.max(-0x8000, Math.min(0x7fff, Math.round(value)));
  return clamped < 0 ? clamped + 0x10000 : clamped;
}

/** A register's uint16 read back as int16. */
export function wordToInt16(word: number): number {
  return word >= 0x8000 ? word - 0x10000 : word;
}

/** uint16 in one register; values outside 0..65535 saturate. */
export function uint16Word(value: number): number {
  return Math.max(0, Math.min(0xffff, Math.round(value)));
}

function words(buffer: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < buffer.length; i += 2) out.push(buffer.readUInt16BE(i));
  return out;
}

/** uint32 big-endian: high word first (ABCD). */
export function uint32WordsABCD(value: number): [number, number] {
  const v = value >>> 0;
  return [Math.floor(v / 0x10000), v % 0x10000];
}

/** uint32 word-swapped: low word first (CDAB), as many PLCs store 32-bit counters. */
export function uint32WordsCDAB(value: number): [number, number] {
  const [high, low] = uint32WordsABCD(value);
  return [low, high];
}

/** IEEE 754 single precision, big-endian (ABCD). */
export function float32WordsABCD(value: number): [number, number] {
  const buffer = Buffer.alloc(4);
  buffer.writeFloatBE(value);
  return words(buffer) as [number, number];
}

/** IEEE 754 double precision, big-endian (ABCD...): four registers, most significant first. */
export function float64WordsABCD(value: number): [number, number, number, number] {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleBE(value);
  return words(buffer) as [number, number, number, number];
}
