/** Process-wide options read from the environment (the only other place besides config files). */
import { z } from 'zod';
import { parseConfig, type Env } from './load-config.ts';

const runtimeOptionsSchema = z.strictObject({
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type RuntimeOptions = z.infer<typeof runtimeOptionsSchema>;

export function loadRuntimeOptions(env: Env = process.env): RuntimeOptions {
  return parseConfig(runtimeOptionsSchema, {
    ...(env.EDGESTOCK_LOG_LEVEL ? { logLevel: env.EDGESTOCK_LOG_LEVEL } : {}),
  }, 'environment (EDGESTOCK_LOG_LEVEL)');
}
