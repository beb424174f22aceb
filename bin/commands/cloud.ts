import { loadCloudConfig } from '../../config/load-config.ts';
import { startCloud } from '../../cloud/cloud-service.ts';
import { createLogger } from '../support/logger.ts';
import { runUntilSignal } from '../support/run-until-signal.ts';

export async function cloudCommand(opts: { config: string }): Promise<void> {
  const logger = createLogger('cloud');
  await runUntilSignal(logger, async () => startCloud({ config: loadCloudConfig(opts.config), logger }));
}
