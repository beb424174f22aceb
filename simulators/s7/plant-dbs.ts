/**
 * The demo plant's data blocks as bytes: DB1 "IMM_Data" (injection molding machines) and
 * DB2 "Furnace_Data" (foundry furnace). Offsets follow DB-MAP.md and db-sources/*.db, laid
 * out by hand per the S7 rules for non-optimized blocks; this file imports no project code,
 * so a layout bug in the project's importer cannot hide behind a shared helper.
 * S7 is big-endian; a STRING[n] is max length, actual length, then n bytes.
 */

export const immDbNumber = 1;
export const furnaceDbNumber = 2;
export const machineCount = 2;
/** Bytes of one Machine[i] struct in DB1. */
export const machineBytes = 44;
export const immDbBytes = machineCount * machineBytes;
export const furnaceDbBytes = 14;
export const moldIdLength = 16;
export const zoneCount = 3;

/** Offsets inside one Machine struct. */
export const machineOffsets = {
  shotCounter: 0, // DInt
  moldId: 4, // String[16]: 18 bytes
  cycleTimeS: 22, // Real
  state: 26, // Int
  statusByte: 28, // Running .0, Alarm .1, DoorClosed .2
  zoneTempC: 30, // Array[1..3] of Int
  holdPressureBar: 36, // Setpoints.HoldPressureBar: Real
  injectionSpeedPct: 40, // Setpoints.InjectionSpeedPct: Int
  setpointBits: 42, // Setpoints.AutoMode .0
} as const;

export const furnaceOffsets = {
  remnantWeightKg: 0, // Real
  meltTempC: 4, // Real
  statusByte: 8, // Pouring .0
  ladleId: 9, // Char
  heatNumber: 10, // DInt
} as const;

/** Machine.State values. */
export const machineStates = { off: 0, idle: 1, running: 2, alarm: 3 } as const;

export interface MachineSnapshot {
  shotCounter: number;
  moldId: string;
  cycleTimeS: number;
  state: number;
  running: boolean;
  alarm: boolean;
  doorClosed: boolean;
  zoneTempC: number[];
  holdPressureBar: number;
  injectionSpeedPct: number;
  autoMode: boolean;
}

export interface FurnaceSnapshot {
  remnantWeightKg: number;
  meltTempC: number;
  pouring: boolean;
  ladleId: string;
  heatNumber: number;
}

const bit = (byte: number, n: number) => ((byte >> n) & 1) === 1;
const withBit = (byte: number, n: number, on: boolean) => (on ? byte | (1 << n) : byte & ~(1 << n));

function readString(db: Buffer, at: number): string {
  const max = db[at]!;
  const length = Math.min(db[at + 1]!, max);
  return db.toString('latin1', at + 2, at + 2 + length);
}

function writeString(db: Buffer, at: number, max: number, text: string): void {
  const bytes = Buffer.from(text.slice(0, max), 'latin1');
  db[at] = max;
  db[at + 1] = bytes.length;
  db.fill(0, at + 2, at + 2 + max);
  bytes.copy(db, at + 2);
}

export function readMachine(db: Buffer, index: number): MachineSnapshot {
  const o = index * machineBytes;
  const m = machineOffsets;
  const status = db[o + m.statusByte]!;
  return {
    shotCounter: db.readInt32BE(o + m.shotCounter),
    moldId: readString(db, o + m.moldId),
    cycleTimeS: db.readFloatBE(o + m.cycleTimeS),
    state: db.readInt16BE(o + m.state),
    running: bit(status, 0),
    alarm: bit(status, 1),
    doorClosed: bit(status, 2),
    zoneTempC: Array.from({ length: zoneCount }, (_, z) => db.readInt16BE(o + m.zoneTempC + 2 * z)),
    holdPressureBar: db.readFloatBE(o + m.holdPressureBar),
    injectionSpeedPct: db.readInt16BE(o + m.injectionSpeedPct),
    autoMode: bit(db[o + m.setpointBits]!, 0),
  };
}

export function writeMachine(db: Buffer, index: number, s: MachineSnapshot): void {
  const o = index * machineBytes;
  const m = machineOffsets;
  db.writeInt32BE(s.shotCounter, o + m.shotCounter);
  writeString(db, o + m.moldId, moldIdLength, s.moldId);
  db.writeFloatBE(s.cycleTimeS, o + m.cycleTimeS);
  db.writeInt16BE(s.state, o + m.state);
  let status = db[o + m.statusByte]!;
  status = withBit(withBit(withBit(status, 0, s.running), 1, s.alarm), 2, s.doorClosed);
  db[o + m.statusByte] = status;
  s.zoneTempC.forEach((t, z) => db.writeInt16BE(t, o + m.zoneTempC + 2 * z));
  db.writeFloatBE(s.holdPressureBar, o + m.holdPressureBar);
  db.writeInt16BE(s.injectionSpeedPct, o + m.injectionSpeedPct);
  db[o + m.setpointBits] = withBit(db[o + m.setpointBits]!, 0, s.autoMode);
}

export function readFurnace(db: Buffer): FurnaceSnapshot {
  const f = furnaceOffsets;
  return {
    remnantWeightKg: db.readFloatBE(f.remnantWeightKg),
    meltTempC: db.readFloatBE(f.meltTempC),
    pouring: bit(db[f.statusByte]!, 0),
    ladleId: String.fromCharCode(db[f.ladleId]!),
    heatNumber: db.readInt32BE(f.heatNumber),
  };
}

export function writeFurnace(db: Buffer, s: FurnaceSnapshot): void {
  const f = furnaceOffsets;
  db.writeFloatBE(s.remnantWeightKg, f.remnantWeightKg);
  db.writeFloatBE(s.meltTempC, f.meltTempC);
  db[f.statusByte] = withBit(db[f.statusByte]!, 0, s.pouring);
  db[f.ladleId] = s.ladleId.charCodeAt(0) & 0xff;
  db.writeInt32BE(s.heatNumber, f.heatNumber);
}
