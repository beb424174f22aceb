/**
 * The one place that reads configuration files and the environment (STYLE.md rule 8):
 * YAML -> environment references -> schema -> deeply frozen object, or a ConfigError listing
 * every problem with its path.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatPath, type ConfigProblem } from './config-error.ts';
import { interpolateEnv, type InterpolateOptions } from './interpolate-env.ts';
import { createSiteConfigSchema, type AddressChecks, type SiteConfig } from './site-schema.ts';
import { cloudConfigSchema, type CloudConfig } from './cloud-schema.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Validates an already parsed object against a schema; returns the frozen result or throws. */
export function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, source: string, env: Env = {}, options: InterpolateOptions = {}): z.infer<S> {
  const problems: ConfigProblem[] = [];
  const interpolated = interpolateEnv(raw, env, problems, '', options);
  const result = schema.safeParse(interpolated);
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push({ path: formatPath(issue.path), message: describeIssue(issue, interpolated) });
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return deepFreeze(result.data);
}

/** Reads a YAML (or JSON) file and validates it. */
export function loadConfigFile<S extends z.ZodType>(schema: S, file: string, env: Env = process.env): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)}); check the path` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => ({
      path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
    })));
  }
  // `${file:relative/path}` secrets sit beside the config file, wherever the daemon was started.
  return parseConfig(schema, doc.toJS(), file, env, { baseDir: dirname(resolve(file)) });
}

/** `addressChecks` lets the connectors' address parsers report alongside the schema's problems. */
export const loadSiteConfig = (file: string, env?: Env, addressChecks?: AddressChecks): SiteConfig =>
  resolveRulesFile(loadConfigFile(createSiteConfigSchema(addressChecks), file, env), file);

/** Rule file paths (`rules.glossary`, `rules.seedPack`), `masterData.seed` and `inventory.seed` come back resolved against the config file's folder. */
export function loadCloudConfig(file: string, env?: Env): CloudConfig {
  const config = loadConfigFile(cloudConfigSchema, file, env);
  if (!config.rules && !config.masterData?.seed && !config.inventory?.seed) return config;
  const base = dirname(resolve(file));
  const rules = config.rules && { glossary: resolve(base, config.rules.glossary), ...(config.rules.seedPack ? { seedPack: resolve(base, config.rules.seedPack) } : {}) };
  const masterData = config.masterData?.seed ? { ...config.masterData, seed: resolve(base, config.masterData.seed) } : config.masterData;
  const inventory = config.inventory?.seed ? { ...config.inventory, seed: resolve(base, config.inventory.seed) } : config.inventory;
  return deepFreeze({ ...config, ...(rules ? { rules } : {}), ...(masterData ? { masterData } : {}), ...(inventory ? { inventory } : {}) });
}

/** `rules.file` and `scanning.masterData` are relative to the config file, wherever the daemon was started. */
function resolveRulesFile(config: SiteConfig, file: string): SiteConfig {
  const base = dirname(resolve(file));
  const rulesRelative = config.rules !== undefined && !isAbsolute(config.rules.file);
  const masterData = config.scanning?.masterData;
  const masterDataRelative = masterData !== undefined && !isAbsolute(masterData);
  if (!rulesRelative && !masterDataRelative) return config;
  return deepFreeze({
    ...config,
    ...(rulesRelative ? { rules: { ...config.rules!, file: resolve(base, config.rules!.file) } } : {}),
    ...(masterDataRelative ? { scanning: { ...config.scanning!, masterData: resolve(base, masterData) } } : {}),
  });
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const found = valueAt(root, issue.path);
  const shown = found === undefined ? 'nothing' : JSON.stringify(found);
  switch (issue.code) {
    case 'invalid_type':
      return found === undefined ? `required; expected ${issue.expected}` : `expected ${issue.expected}, found ${shown}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove or correct the spelling`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options) return `found ${shown}; expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}`;
      return `found ${shown}; ${issue.message}`;
    }
    case 'invalid_value':
      return `found ${shown}; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'custom':
      if ((issue as { params?: { verbatim?: boolean } }).params?.verbatim) return issue.message;
      return `found ${shown}; ${issue.message}`;
    default:
      return `found ${shown}; ${issue.message}`;
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
