/**
 * A bank of input registers that change every step, like simulators/modbus/register-bank.ts,
 * that can also hold still: a bench pauses it to let the gateway go quiet (the change filter
 * reports nothing new) before it compares what the gateway published with what the cloud stored.
 * Register r holds (step + r) mod 65536.
 */
import { createRequire } from 'node:module';
import type { ServerTCP as ServerTcpType } from 'modbus-serial';

const require = createRequire(import.meta.url);
const { ServerTCP } = require('modbus-serial') as { ServerTCP: typeof ServerTcpType };

export interface PausableRegisterBank {
  port: number;
  /** Values stop changing; the device stays up. */
  pause(): void;
  close(): Promise<void>;
}

export async function startPausableRegisterBank(options: { port: number; registers: number; stepMs: number }): Promise<PausableRegisterBank> {
  let step = 0;
  let paused = false;
  const { registers } = options;
  const server = new ServerTCP({
    getMultipleInputRegisters: (addr: number, length: number) => {
      if (addr + length > registers) throw { modbusErrorCode: 0x02, msg: 'illegal data address' };
      return Array.from({ length }, (_, i) => (step + addr + i) & 0xffff);
    },
    getInputRegister: (addr: number) => (step + addr) & 0xffff,
  }, { host: '127.0.0.1', port: options.port, unitID: 1 });
  server.on('socketError', () => {});
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', reject);
  });
  const timer = setInterval(() => { if (!paused) step = (step + 1) & 0xffff; }, options.stepMs);
  return {
    port: options.port,
    pause: () => { paused = true; },
    close: () => new Promise<void>((resolve) => {
      clearInterval(timer);
      for (const socket of server.socks.keys()) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
