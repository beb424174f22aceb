import { ConfigError } from '../../config/config-error.ts';
import { loadSiteConfig } from '../../config/load-config.ts';
import { routeNodeOpcuaLogs } from '../../connectors/opcua/index.ts';
import { addressChecks } from '../../connectors/address-checks.ts';
import { startGateway, validateSiteConfig } from '../../gateway/gateway-daemon.ts';
import { createLogger } from '../support/logger.ts';
import { runUntilSignal } from '../support/run-until-signal.ts';

export async function gatewayCommand(opts: { config: string }): Promise<void> {
  const logger = createLogger('gateway');
  routeNodeOpcuaLogs(logger.child({ part: 'node-opcua' }));
  await runUntilSignal(logger, async () => {
    const config = loadSiteConfig(opts.config, process.env, addressChecks);
    const problems = validateSiteConfig(config);
    if (problems.length > 0) throw new ConfigError(opts.config, problems);
    return startGateway({ config, logger });
  });
}
