/**
 * Which rule packs a gateway runs when it starts: the desired state the cloud pushed last
 * (rules.apply, kept in the data dir) when there is one that compiles here, else the pack the site
 * file names (`rules.file`), else none. A pushed state wins over the file, as a pushed connector
 * list does: it is what the gateway last acknowledged. A site file pack that does not compile
 * stops the start with every problem (config is checked at load); a damaged pushed state only
 * falls back to the file, with the reason logged.
 */
import { ConfigError, type ConfigProblem } from '../../config/config-error.ts';
import { readRulePackFile } from '../../config/rule-pack-file.ts';
import { deployedPackSchema, type DeployedPack } from '../../connectors/edge-link/index.ts';
import { pushedRulesPath, readPushedRules } from './pushed-rules.ts';
import type { RulesHost, RulesHostLogger } from './rules-host.ts';

/** Reads a `*.rules.yaml` and its glossary into the form the cloud deploys; throws ConfigError with every problem. */
export function readSitePack(file: string): DeployedPack {
  const read = readRulePackFile(file);
  const raw = (read.pack && typeof read.pack === 'object' ? read.pack : {}) as Record<string, unknown>;
  const parsed = deployedPackSchema.safeParse({ ...raw, glossary: read.glossary ?? {} });
  if (!parsed.success) {
    throw new ConfigError(file, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}

export async function startRules(host: RulesHost, options: { dataDir: string; siteFile?: string; logger: RulesHostLogger }): Promise<void> {
  const { dataDir, siteFile, logger } = options;
  let pushed;
  try {
    pushed = readPushedRules(dataDir);
  } catch (error) {
    logger.error({ err: error, file: pushedRulesPath(dataDir) }, 'the pushed rule packs cannot be read; running the site file\'s pack');
  }
  if (pushed) {
    const outcome = await host.apply(pushed.rules, { source: 'pushed', persist: false });
    if (outcome.ok) {
      logger.warn({ ...outcome.report, file: pushedRulesPath(dataDir) }, 'running the rule packs pushed by the cloud, not the site file\'s (delete the file to go back to the site file)');
      return;
    }
    logger.error({ problems: outcome.problems, file: pushedRulesPath(dataDir) }, 'the pushed rule packs do not compile here; running the site file\'s pack');
  }
  if (!siteFile) return;
  const pack = readSitePack(siteFile);
  const outcome = await host.apply({ active: pack, shadow: null }, { source: 'file', persist: false });
  if (!outcome.ok) {
    const problems: ConfigProblem[] = outcome.problems.map((p) => ({ path: p.path.replace(/^active\./, ''), message: p.message }));
    throw new ConfigError(siteFile, problems);
  }
}
