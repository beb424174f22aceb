import { startShelfSimulator } from '../../simulators/modbus/index.ts';
import { createLogger } from '../support/logger.ts';
import { runUntilSignal } from '../support/run-until-signal.ts';

export interface SimulateModbusOptions {
  host: string;
  port: number;
  unitId: number;
  stepMs: number;
  scenario: 'normal' | 'replay';
}

export async function simulateModbusCommand(opts: SimulateModbusOptions): Promise<void> {
  const logger = createLogger('simulator');
  await runUntilSignal(logger, async () => {
    const sim = await startShelfSimulator(opts);
    logger.info({ host: opts.host, port: sim.port, unitId: opts.unitId, shelves: sim.shelves, scenario: opts.scenario }, 'Modbus shelf simulator listening');
    return sim;
  });
}
