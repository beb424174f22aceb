/**
 * The demo plant's S7 PLC: node-snap7's S7Server serving DB1 (injection molding machines)
 * and DB2 (foundry furnace) as non-optimized blocks, PUT/GET style. Layout: DB-MAP.md.
 *
 * The server keeps its own copy of each DB (RegisterArea copies the buffer), so every step
 * reads the DB back, moves the scenario, and writes it: client writes (setpoints) survive.
 */
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import {
  furnaceDbBytes, furnaceDbNumber, immDbBytes, immDbNumber, machineCount, machineStates,
  readFurnace, readMachine, writeFurnace, writeMachine, type FurnaceSnapshot, type MachineSnapshot,
} from './plant-dbs.ts';

/** The part of node-snap7's S7Server used here. */
interface Snap7Server {
  readonly LocalPort: number;
  readonly srvAreaDB: number;
  SetParam(param: number, value: number): boolean;
  RegisterArea(area: number, index: number, buffer: Buffer): boolean;
  GetArea(area: number, index: number): Buffer;
  SetArea(area: number, index: number, buffer: Buffer): boolean;
  UnregisterArea(area: number, index: number): boolean;
  StartTo(address: string): boolean;
  Stop(): boolean;
  LastError(): number;
  ErrorText(code: number): string;
}

const require = createRequire(import.meta.url);
const { S7Server } = require('node-snap7') as { S7Server: new () => Snap7Server };

/**
 * node-snap7 1.0.9 keeps its event handles in process-wide statics: every `new S7Server()`
 * re-initialises them and every destructor closes them, so a second instance (or the
 * garbage collection of a stopped one) aborts the process in libuv (`uv_close: Assertion
 * !uv__is_closing(handle)`). One server object per process, created once and never dropped,
 * avoids both; it serves one simulator at a time.
 */
let sharedServer: Snap7Server | undefined;
let serverInUse = false;

function acquireServer(): Snap7Server {
  if (serverInUse) {
    throw new Error('an S7 simulator is already running in this process; node-snap7 supports one S7Server per process (start another process for a second PLC)');
  }
  sharedServer ??= new S7Server();
  serverInUse = true;
  return sharedServer;
}

export interface S7SimulatorOptions {
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** ISO-on-TCP port (a real PLC listens on 102). */
  port: number;
  /** Scenario step period; 0 steps only when step() is called. */
  stepMs?: number;
}

export interface S7SimulatorSnapshot {
  step: number;
  machines: MachineSnapshot[];
  furnace: FurnaceSnapshot;
}

export interface S7Simulator {
  port: number;
  /** One scenario step: running machines finish one cycle (+1 shot), the furnace moves on. */
  step(): void;
  setShotCount(machine: number, shots: number): void;
  setRemnantWeight(kg: number): void;
  snapshot(): S7SimulatorSnapshot;
  close(): Promise<void>;
}

const initialMachines: MachineSnapshot[] = [
  {
    shotCounter: 8400, moldId: 'M-2231-A', cycleTimeS: 32.5, state: machineStates.running, running: true, alarm: false, doorClosed: true,
    zoneTempC: [220, 225, 230], holdPressureBar: 650, injectionSpeedPct: 70, autoMode: true,
  },
  {
    shotCounter: 1250, moldId: 'M-4410-C', cycleTimeS: 0, state: machineStates.idle, running: false, alarm: false, doorClosed: false,
    zoneTempC: [180, 182, 185], holdPressureBar: 420.5, injectionSpeedPct: 55, autoMode: false,
  },
];

const initialFurnace: FurnaceSnapshot = { remnantWeightKg: 8.5, meltTempC: 680, pouring: false, ladleId: 'A', heatNumber: 5120 };

/** Remnant grows by this per step; past the re-melt point the furnace empties it. */
const remnantPerStepKg = 0.75;
const remnantRemeltKg = 18;
const remnantAfterRemeltKg = 2;

/**
 * snap7 leaves a server whose bind failed in an error state in which its port can no longer
 * be changed; with one server per process that would end all simulators. So a busy port is
 * detected here first, with a plain Node listener.
 */
function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`the S7 simulator cannot listen on ${host}:${port}: ${err.code ?? err.message}`)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export async function startS7Simulator(opts: S7SimulatorOptions): Promise<S7Simulator> {
  const host = opts.host ?? '127.0.0.1';
  if (serverInUse) acquireServer(); // throws the one-per-process error before probing the port
  await assertPortFree(host, opts.port);
  const server = acquireServer();
  const area = server.srvAreaDB;
  const imm = Buffer.alloc(immDbBytes);
  initialMachines.slice(0, machineCount).forEach((m, i) => writeMachine(imm, i, m));
  const furnace = Buffer.alloc(furnaceDbBytes);
  writeFurnace(furnace, initialFurnace);
  server.RegisterArea(area, immDbNumber, imm);
  server.RegisterArea(area, furnaceDbNumber, furnace);
  // The port is a server parameter set before StartTo (snap7 reference: Srv_SetParam p_u16_LocalPort).
  if (!server.SetParam(server.LocalPort, opts.port) || !server.StartTo(host)) {
    const reason = server.ErrorText(server.LastError());
    release(server);
    throw new Error(`the S7 simulator cannot listen on ${host}:${opts.port}: ${reason}`);
  }

  let step = 0;
  let closed = false;
  // The server object outlives this simulator (see acquireServer): a closed one must not touch it.
  const live = () => {
    if (closed) throw new Error(`the S7 simulator on port ${opts.port} is closed`);
    return server;
  };
  const updateMachines = (change: (m: MachineSnapshot, i: number) => void) => {
    const db = live().GetArea(area, immDbNumber);
    for (let i = 0; i < machineCount; i++) {
      const m = readMachine(db, i);
      change(m, i);
      writeMachine(db, i, m);
    }
    server.SetArea(area, immDbNumber, db);
  };
  const updateFurnace = (change: (f: FurnaceSnapshot) => void) => {
    const db = live().GetArea(area, furnaceDbNumber);
    const f = readFurnace(db);
    change(f);
    writeFurnace(db, f);
    server.SetArea(area, furnaceDbNumber, db);
  };

  const doStep = () => {
    step++;
    updateMachines((m, i) => {
      if (m.state !== machineStates.running) return;
      m.shotCounter = (m.shotCounter + 1) | 0;
      // A deterministic wobble: +-0.3 s around 32.5 s, zones +-1 °C.
      m.cycleTimeS = Math.round((32.5 + 0.3 * Math.sin(step + i)) * 100) / 100;
      m.zoneTempC = m.zoneTempC.map((t, z) => t + ((step + z) % 3) - 1);
    });
    updateFurnace((f) => {
      f.pouring = step % 2 === 1;
      f.remnantWeightKg = f.remnantWeightKg + remnantPerStepKg > remnantRemeltKg ? remnantAfterRemeltKg : f.remnantWeightKg + remnantPerStepKg;
      if (f.remnantWeightKg === remnantAfterRemeltKg) f.heatNumber++;
    });
  };

  const timer = opts.stepMs ? setInterval(doStep, opts.stepMs) : undefined;
  timer?.unref();

  return {
    port: opts.port,
    step: doStep,
    setShotCount(machine, shots) {
      if (!Number.isInteger(machine) || machine < 0 || machine >= machineCount) throw new RangeError(`machine index ${machine} is out of range 0..${machineCount - 1}`);
      updateMachines((m, i) => { if (i === machine) m.shotCounter = shots | 0; });
    },
    setRemnantWeight(kg) {
      updateFurnace((f) => { f.remnantWeightKg = kg; });
    },
    snapshot() {
      const db = live().GetArea(area, immDbNumber);
      return {
        step,
        machines: Array.from({ length: machineCount }, (_, i) => readMachine(db, i)),
        furnace: readFurnace(server.GetArea(area, furnaceDbNumber)),
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      release(server);
    },
  };
}

function release(server: Snap7Server): void {
  server.Stop();
  server.UnregisterArea(server.srvAreaDB, immDbNumber);
  server.UnregisterArea(server.srvAreaDB, furnaceDbNumber);
  serverInUse = false;
}
