/**
 * Runs a long-lived part until SIGINT/SIGTERM (or, when started by `edgestock demo`, until the
 * parent goes away), then closes it cleanly and exits 0.
 */
import type { Logger } from 'pino';
import { ConfigError } from '../../config/config-error.ts';

export interface Running {
  close(): Promise<void>;
}

export async function runUntilSignal(logger: Logger, start: () => Promise<Running>): Promise<void> {
  process.on('unhandledRejection', (reason) => {
    // A daemon keeps deciding: log the bug loudly instead of dropping every link at once.
    logger.error({ err: reason }, 'unhandled promise rejection (a bug: please report it)');
  });
  let running: Running;
  try {
    running = await start();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    const { code, address, port } = err as NodeJS.ErrnoException & { address?: string; port?: number };
    if (code === 'EADDRINUSE') {
      logger.fatal(`${address}:${port} is already in use: stop the program using it or choose another port (edgestock demo --help lists the port options and their EDGESTOCK_* variables)`);
    } else {
      logger.fatal({ err }, 'failed to start');
    }
    process.exit(1);
  }
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ why }, 'stopping');
    const timer = setTimeout(() => {
      logger.error('did not stop within 10 s; exiting anyway');
      process.exit(1);
    }, 10_000);
    timer.unref();
    try {
      await running.close();
    } catch (err) {
      logger.error({ err }, 'error while stopping');
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (process.send) process.on('disconnect', () => void stop('parent process went away'));
}
