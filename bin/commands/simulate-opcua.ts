import { resolve } from 'node:path';
import { routeNodeOpcuaLogs } from '../../connectors/opcua/index.ts';
import { startOpcuaSimulator, weldGunNames } from '../../simulators/opcua/index.ts';
import { createLogger } from '../support/logger.ts';
import { runUntilSignal } from '../support/run-until-signal.ts';

export interface SimulateOpcuaOptions {
  host: string;
  port: number;
  stepMs: number;
  /** The server's own certificate store; kept between runs so clients see the same certificate. */
  pkiDir: string;
}

export async function simulateOpcuaCommand(opts: SimulateOpcuaOptions): Promise<void> {
  const logger = createLogger('opcua-sim');
  routeNodeOpcuaLogs(logger.child({ part: 'node-opcua' }));
  await runUntilSignal(logger, async () => {
    const pkiDir = resolve(opts.pkiDir);
    const sim = await startOpcuaSimulator({ host: opts.host, port: opts.port, stepMs: opts.stepMs, pkiDir });
    logger.info({ endpoint: sim.endpoint, guns: weldGunNames, pkiDir, stepMs: opts.stepMs }, 'OPC UA weld-cell simulator listening');
    return sim;
  });
}
