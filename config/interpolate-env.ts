/**
 * `${NAME}` and `${NAME:-default}` in string values are replaced from the environment, and
 * `${file:/path/to/secret}` by that file's content, trimmed (Docker and Kubernetes secrets are
 * files), so one example file serves the demo, tests on free ports and production secrets. A value
 * that is wholly one environment reference and reads as a number or boolean becomes that type; a
 * file reference always stays a string (a secret of digits is still a password).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigProblem } from './config-error.ts';

const reference = /\$\{(?:file:(?!-)([^}]+)|([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?)\}/g;
const wholeEnv = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

export interface InterpolateOptions {
  /** Relative `${file:...}` paths start here (the config file's folder); default: the working directory. */
  baseDir?: string;
  /** Reads a secret file; injectable for tests. */
  readFile?: (path: string) => string;
}

const readUtf8 = (path: string) => readFileSync(path, 'utf8');

export function interpolateEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
  path = '',
  options: InterpolateOptions = {},
): unknown {
  if (typeof value === 'string') {
    const replaced = value.replace(reference, (_m, file: string | undefined, envName: string | undefined, fallback: string | undefined) => {
      if (file !== undefined) return readSecretFile(file.trim(), path, problems, options);
      const found = env[envName!];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      problems.push({ path, message: `environment variable ${envName} is not set; set it or write \${${envName}:-default}` });
      return '';
    });
    if (wholeEnv.test(value)) {
      if (/^-?\d+(\.\d+)?$/.test(replaced)) return Number(replaced);
      if (replaced === 'true' || replaced === 'false') return replaced === 'true';
    }
    return replaced;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, problems, `${path}[${i}]`, options));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateEnv(v, env, problems, path ? `${path}.${k}` : k, options);
    return out;
  }
  return value;
}

function readSecretFile(file: string, path: string, problems: ConfigProblem[], options: InterpolateOptions): string {
  const fullPath = isAbsolute(file) ? file : resolve(options.baseDir ?? '.', file);
  try {
    const content = (options.readFile ?? readUtf8)(fullPath).trim();
    if (content === '') problems.push({ path, message: `secret file ${fullPath} is empty; write the secret into it` });
    return content;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    problems.push({ path, message: `cannot read secret file ${fullPath} (${code}); check the path and that this user may read it` });
    return '';
  }
}
