/**
 * The cold-room register map (documented in REGISTER-MAP.md): what a Modbus master reads at
 * each address of the four tables, computed from the shelves' current state.
 */
import { float32WordsABCD, float64WordsABCD, int16Word, uint16Word, uint32WordsABCD, uint32WordsCDAB } from './word-encoding.ts';

export interface ShelfView {
  temperatureC: number;
  humidityPct: number;
  /** Setpoint in tenths of a degree, exactly as held in hr[i]. */
  setpointTenths: number;
  doorOpen: boolean;
}

export interface BankView {
  shelves: readonly ShelfView[];
  samples: number;
  uptimeS: number;
}

/** Addresses at or above these answer exception 02; unmapped addresses below read 0. */
export const registerSpace = { co: 64, di: 64, ir: 200, hr: 100 } as const;

export const floatBlockStart = 100;
export const samplesAbcdAt = 10;
export const samplesCdabAt = 12;
export const uptimeAt = 20;
/** Setpoints a master may write, in tenths of a degree. */
export const setpointTenthsRange = { min: -400, max: 400 } as const;
/** Temperature alarm band (°C): the cold-chain limits. */
export const alarmBand = { lowC: 2, highC: 8 } as const;

/** A Modbus exception answer; ServerTCP sends `modbusErrorCode` as the exception code. */
export class ModbusException extends Error {
  constructor(readonly modbusErrorCode: number, message: string) {
    super(message);
    this.name = 'ModbusException';
  }
}

/** [Modbus Application Protocol V1.1b3 §7] exception codes used here. */
export const illegalDataAddress = 0x02;
export const illegalDataValue = 0x03;

export function isAlarm(temperatureC: number): boolean {
  return temperatureC < alarmBand.lowC || temperatureC > alarmBand.highC;
}

export function checkRange(table: keyof typeof registerSpace, address: number, count: number): void {
  if (address < 0 || address + count > registerSpace[table]) {
    throw new ModbusException(illegalDataAddress, `${table} ${address} x${count} is outside 0..${registerSpace[table] - 1}`);
  }
}

export function inputRegister(view: BankView, address: number): number {
  const shelfCount = view.shelves.length;
  if (address < 2 * shelfCount) {
    const shelf = view.shelves[address >> 1]!;
    return address % 2 === 0 ? int16Word(shelf.temperatureC * 10) : uint16Word(shelf.humidityPct * 10);
  }
  const floatOffset = address - floatBlockStart;
  if (floatOffset >= 0 && floatOffset < 4 * shelfCount) {
    const shelf = view.shelves[floatOffset >> 2]!;
    const part = floatOffset % 4;
    const words = float32WordsABCD(part < 2 ? shelf.temperatureC : shelf.humidityPct);
    return words[part % 2]!;
  }
  return 0;
}

export function holdingRegister(view: BankView, address: number): number {
  if (address < view.shelves.length) return int16Word(view.shelves[address]!.setpointTenths);
  const blocks: Array<[start: number, words: () => number[]]> = [
    [samplesAbcdAt, () => uint32WordsABCD(view.samples)],
    [samplesCdabAt, () => uint32WordsCDAB(view.samples)],
    [uptimeAt, () => float64WordsABCD(view.uptimeS)],
  ];
  for (const [start, words] of blocks) {
    const values = words();
    if (address >= start && address < start + values.length) return values[address - start]!;
  }
  return 0;
}

export function coil(view: BankView, address: number): boolean {
  return view.shelves[address]?.doorOpen ?? false;
}

export function discreteInput(view: BankView, address: number): boolean {
  const shelf = view.shelves[address];
  return shelf ? isAlarm(shelf.temperatureC) : false;
}
