/**
 * A bank of input registers that all change every step: load for throughput benchmarks,
 * where the shelf scenario's eight shelves are far too few. Register r holds
 * (step + r) mod 65536 (uint16), so every poll sees a new value for every register and a
 * reader can check what it got.
 */
import { createRequire } from 'node:module';
import type { ServerTCP as ServerTcpType } from 'modbus-serial';

const require = createRequire(import.meta.url);
const { ServerTCP } = require('modbus-serial') as { ServerTCP: typeof ServerTcpType };

export interface RegisterBankOptions {
  host?: string;
  port: number;
  unitId?: number;
  registers: number;
  stepMs?: number;
}

export interface RegisterBank {
  port: number;
  step(): number;
  close(): Promise<void>;
}

export async function startRegisterBank(opts: RegisterBankOptions): Promise<RegisterBank> {
  let step = 0;
  const { registers } = opts;
  const server = new ServerTCP({
    getMultipleInputRegisters: (addr: number, length: number) => {
      if (addr + length > registers) throw { modbusErrorCode: 0x02, msg: 'illegal data address' };
      const out = new Array<number>(length);
      for (let i = 0; i < length; i++) out[i] = (step + addr + i) & 0xffff;
      return out;
    },
    getInputRegister: (addr: number) => (step + addr) & 0xffff,
  }, { host: opts.host ?? '127.0.0.1', port: opts.port, unitID: opts.unitId ?? 1 });
  server.on('socketError', () => {});
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', reject);
  });
  const timer = setInterval(() => { step = (step + 1) & 0xffff; }, opts.stepMs ?? 100);
  return {
    port: opts.port,
    step: () => step,
    close: () => new Promise<void>((resolve) => {
      clearInterval(timer);
      for (const socket of server.socks.keys()) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
