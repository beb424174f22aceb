import { startS7Simulator } from '../../simulators/s7/index.ts';
import { createLogger } from '../support/logger.ts';
import { runUntilSignal } from '../support/run-until-signal.ts';

export interface SimulateS7Options {
  host: string;
  port: number;
  stepMs: number;
}

export async function simulateS7Command(opts: SimulateS7Options): Promise<void> {
  const logger = createLogger('s7-sim');
  await runUntilSignal(logger, async () => {
    const sim = await startS7Simulator(opts);
    logger.info({ host: opts.host, port: sim.port, dbs: ['DB1 IMM_Data', 'DB2 Furnace_Data'] }, 'S7 press-hall PLC simulator listening');
    return sim;
  });
}
