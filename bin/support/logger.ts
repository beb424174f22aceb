/** One pino logger per process, named for the part it runs; JSON lines on stdout. */
import { pino, type Logger } from 'pino';
import { loadRuntimeOptions } from '../../config/runtime-options.ts';

export function createLogger(name: string): Logger {
  const { logLevel } = loadRuntimeOptions();
  return pino({
    name,
    level: logLevel,
    // Secrets never reach the log (DESIGN: bad input is logged; credentials are not).
    redact: { paths: ['password', '*.password', '*.*.password', 'config.north.password', 'config.broker.users'], censor: '[redacted]' },
  });
}
