/**
 * `${NAME}` and `${NAME:-default}` in string values are replaced from the environment, so one
 * example file serves the demo, tests on free ports and production secrets. A value that is
 * wholly one reference and reads as a number or boolean becomes that type.
 */
import type { ConfigProblem } from './config-error.ts';

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const whole = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

export function interpolateEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
  path = '',
): unknown {
  if (typeof value === 'string') {
    const replaced = value.replace(reference, (_m, envName: string, fallback: string | undefined) => {
      const found = env[envName];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      problems.push({ path, message: `environment variable ${envName} is not set; set it or write \${${envName}:-default}` });
      return '';
    });
    if (whole.test(value)) {
      if (/^-?\d+(\.\d+)?$/.test(replaced)) return Number(replaced);
      if (replaced === 'true' || replaced === 'false') return replaced === 'true';
    }
    return replaced;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, problems, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateEnv(v, env, problems, path ? `${path}.${k}` : k);
    return out;
  }
  return value;
}
