/**
 * A cold-room bank of shelf temperature/humidity sensors served over Modbus TCP with
 * modbus-serial's ServerTCP. Register map: REGISTER-MAP.md (built by shelf-registers.ts).
 */
import { createRequire } from 'node:module';
import type { IServiceVector, ServerTCP as ServerTcpType } from 'modbus-serial';
import { createMoteReplayScenario } from './mote-replay.ts';
import { createNormalScenario, type Scenario, type ShelfReading } from './scenario.ts';
import {
  checkRange, coil, discreteInput, holdingRegister, illegalDataAddress, illegalDataValue, inputRegister, isAlarm,
  ModbusException, setpointTenthsRange, type BankView, type ShelfView,
} from './shelf-registers.ts';
import { wordToInt16 } from './word-encoding.ts';

const require = createRequire(import.meta.url);
const { ServerTCP } = require('modbus-serial') as { ServerTCP: typeof ServerTcpType };

export type ScenarioName = 'normal' | 'replay';

export interface ShelfSimulatorOptions {
  host?: string;
  /** TCP port to listen on (1..65535; ServerTCP turns 0 into 502). */
  port: number;
  /** Only requests for this unit id are answered; 255 answers every unit id. */
  unitId?: number;
  /** Shelves B10, B11, ... (1..32). */
  shelves?: number;
  /** Scenario step period; 0 steps only when step() is called. */
  stepMs?: number;
  scenario?: ScenarioName;
  /** Seed of the normal scenario's noise. */
  seed?: number;
}

export interface ShelfSnapshot {
  index: number;
  name: string;
  temperatureC: number;
  humidityPct: number;
  setpointC: number;
  doorOpen: boolean;
  alarm: boolean;
  pinned: boolean;
}

export interface SimulatorSnapshot {
  step: number;
  /** The sample counter in hr[10..13]. */
  samples: number;
  uptimeS: number;
  shelves: ShelfSnapshot[];
}

export interface ShelfSimulator {
  port: number;
  shelves: string[];
  /** Pins shelf i's temperature reading until unpin(i): the scenario no longer moves it. */
  setTemperature(shelfIndex: number, celsius: number): void;
  unpin(shelfIndex: number): void;
  /** Opens or closes a door (the same as writing coil i): an open door warms the shelf. */
  setDoor(shelfIndex: number, open: boolean): void;
  snapshot(): SimulatorSnapshot;
  /** Advances the scenario one step. */
  step(): void;
  /** Counters of what the server survived. */
  stats(): { socketErrors: number; serverErrors: number };
  close(): Promise<void>;
}

/** An open door warms a shelf this much per step, towards the room outside. */
export const doorWarmingPerStepC = 0.5;
export const ambientC = 20;
/** With the door shut again the extra warmth decays by this factor per step. */
const doorRecoveryFactor = 0.7;

const scenarioFactories: Readonly<Record<ScenarioName, (opts: { shelves: number; seed?: number }) => Scenario>> = {
  normal: createNormalScenario,
  replay: createMoteReplayScenario,
};

interface Shelf extends ShelfView {
  name: string;
  /** The scenario's reading, before the door and pinning. */
  base: ShelfReading;
  doorWarmingC: number;
  pinnedC: number | undefined;
}

export async function startShelfSimulator(opts: ShelfSimulatorOptions): Promise<ShelfSimulator> {
  const shelfCount = opts.shelves ?? 8;
  if (!Number.isInteger(shelfCount) || shelfCount < 1 || shelfCount > 32) throw new RangeError(`shelves must be 1..32, got ${opts.shelves}`);
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) throw new RangeError(`port must be 1..65535, got ${opts.port}`);
  const scenarioName = opts.scenario ?? 'normal';
  const scenarioFactory = scenarioFactories[scenarioName];
  if (!scenarioFactory) throw new RangeError(`scenario must be one of ${Object.keys(scenarioFactories).join(', ')}, got "${scenarioName}"`);
  const scenario = scenarioFactory({ shelves: shelfCount, seed: opts.seed });

  const defaultSetpointTenths = 40;
  const initial = scenario.initial(Array.from({ length: shelfCount }, () => defaultSetpointTenths / 10));
  const shelves: Shelf[] = initial.map((base, i) => ({
    name: `B${10 + i}`,
    base,
    temperatureC: base.temperatureC,
    humidityPct: base.humidityPct,
    setpointTenths: defaultSetpointTenths,
    doorOpen: false,
    doorWarmingC: 0,
    pinnedC: undefined,
  }));
  const startedAt = Date.now();
  let stepCount = 0;
  let samples = 0;
  const counters = { socketErrors: 0, serverErrors: 0 };

  const refresh = (shelf: Shelf) => {
    shelf.temperatureC = shelf.pinnedC ?? shelf.base.temperatureC + shelf.doorWarmingC;
    shelf.humidityPct = shelf.base.humidityPct;
  };
  const view = (): BankView => ({ shelves, samples, uptimeS: (Date.now() - startedAt) / 1000 });
  const shelfAt = (index: number): Shelf => {
    const shelf = shelves[index];
    if (!Number.isInteger(index) || !shelf) throw new RangeError(`shelf index must be 0..${shelfCount - 1}, got ${index}`);
    return shelf;
  };

  const step = () => {
    const readings = scenario.step(shelves.map((s) => s.setpointTenths / 10));
    shelves.forEach((shelf, i) => {
      shelf.base = readings[i]!;
      if (shelf.doorOpen) {
        const headroomC = ambientC - (shelf.base.temperatureC + shelf.doorWarmingC);
        shelf.doorWarmingC += Math.max(0, Math.min(doorWarmingPerStepC, headroomC));
      } else {
        shelf.doorWarmingC = shelf.doorWarmingC * doorRecoveryFactor < 0.01 ? 0 : shelf.doorWarmingC * doorRecoveryFactor;
      }
      refresh(shelf);
    });
    stepCount += 1;
    samples = (samples + 1) >>> 0;
  };

  const writeSetpoints = (address: number, words: readonly number[]) => {
    if (address + words.length > shelfCount) {
      throw new ModbusException(illegalDataAddress, `hr ${address} x${words.length}: only setpoints hr[0..${shelfCount - 1}] are writable`);
    }
    const tenths = words.map(wordToInt16);
    if (tenths.some((t) => t < setpointTenthsRange.min || t > setpointTenthsRange.max)) {
      throw new ModbusException(illegalDataValue, `setpoint must be ${setpointTenthsRange.min}..${setpointTenthsRange.max} tenths of °C`);
    }
    tenths.forEach((t, j) => { shelves[address + j]!.setpointTenths = t; });
  };

  const readBlock = (table: 'ir' | 'hr', address: number, length: number, read: (v: BankView, a: number) => number) => {
    // [Modbus Application Protocol V1.1b3 §6.3, §6.4] quantity 1..125, else exception 03.
    if (length < 1 || length > 125) throw new ModbusException(illegalDataValue, `quantity ${length} is outside 1..125`);
    checkRange(table, address, length);
    const v = view();
    return Array.from({ length }, (_, i) => read(v, address + i));
  };

  // ServerTCP picks callback or sync style by each function's declared parameter count, so
  // these take at most (address, value/length, unitId) and answer synchronously or throw.
  const vector: IServiceVector = {
    getInputRegister: (address: number) => readBlock('ir', address, 1, inputRegister)[0]!,
    getMultipleInputRegisters: (address: number, length: number) => readBlock('ir', address, length, inputRegister),
    getHoldingRegister: (address: number) => readBlock('hr', address, 1, holdingRegister)[0]!,
    getMultipleHoldingRegisters: (address: number, length: number) => readBlock('hr', address, length, holdingRegister),
    getCoil: (address: number) => { checkRange('co', address, 1); return coil(view(), address); },
    getDiscreteInput: (address: number) => { checkRange('di', address, 1); return discreteInput(view(), address); },
    setCoil: (address: number, value: boolean) => {
      if (address >= shelfCount) throw new ModbusException(illegalDataAddress, `coil ${address}: only doors co[0..${shelfCount - 1}] exist`);
      shelves[address]!.doorOpen = value;
    },
    setRegister: (address: number, value: number) => writeSetpoints(address, [value]),
    setRegisterArray: (address: number, values: number[]) => writeSetpoints(address, values),
  };

  const server = new ServerTCP(vector, { host: opts.host ?? '127.0.0.1', port: opts.port, unitID: opts.unitId ?? 1 });
  // A client vanishing mid-answer (ECONNRESET, EPIPE) must never become an uncaught exception.
  server.on('socketError', () => { counters.socketErrors += 1; });
  server.on('error', () => { counters.serverErrors += 1; });
  await new Promise<void>((resolve, reject) => {
    const onListenError = (err: Error | null) => {
      server.close(() => {});
      reject(new Error(`the Modbus simulator cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port}: ${err?.message ?? String(err)}`));
    };
    server.once('serverError', onListenError);
    server.once('initialized', () => {
      server.off('serverError', onListenError);
      server.on('serverError', () => { counters.serverErrors += 1; });
      resolve();
    });
  });

  const stepMs = opts.stepMs ?? 1000;
  const timer = stepMs > 0 ? setInterval(step, stepMs) : undefined;
  let closing: Promise<void> | undefined;

  return {
    port: opts.port,
    shelves: shelves.map((s) => s.name),
    setTemperature(index, celsius) {
      if (!Number.isFinite(celsius)) throw new RangeError(`temperature must be a finite number, got ${celsius}`);
      const shelf = shelfAt(index);
      shelf.pinnedC = celsius;
      refresh(shelf);
    },
    unpin(index) {
      const shelf = shelfAt(index);
      shelf.pinnedC = undefined;
      refresh(shelf);
    },
    setDoor(index, open) {
      shelfAt(index).doorOpen = open;
    },
    snapshot() {
      const v = view();
      return {
        step: stepCount,
        samples: v.samples,
        uptimeS: v.uptimeS,
        shelves: shelves.map((s, index) => ({
          index,
          name: s.name,
          temperatureC: s.temperatureC,
          humidityPct: s.humidityPct,
          setpointC: s.setpointTenths / 10,
          doorOpen: s.doorOpen,
          alarm: isAlarm(s.temperatureC),
          pinned: s.pinnedC !== undefined,
        })),
      };
    },
    step,
    stats: () => ({ ...counters }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
