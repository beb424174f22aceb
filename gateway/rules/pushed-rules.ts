/**
 * The rule packs the cloud pushed last (rules.apply), kept in `<dataDir>/applied-rules.json` so a
 * restarted gateway runs what it acknowledged, without the cloud and whatever its site file says.
 * Written atomically (pushed-config.ts writeFileAtomic): a crash leaves the old or the new file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rulesApplyArgsSchema, type RulesApplyArgs } from '../../connectors/edge-link/index.ts';
import { writeFileAtomic } from '../pushed-config.ts';

export const PUSHED_RULES_FILE = 'applied-rules.json';

export interface PushedRules {
  rules: RulesApplyArgs;
  appliedAt: number;
}

export function pushedRulesPath(dataDir: string): string {
  return join(dataDir, PUSHED_RULES_FILE);
}

/** The stored desired state, undefined when none was ever applied; throws with the reason when the file is damaged. */
export function readPushedRules(dataDir: string): PushedRules | undefined {
  let text: string;
  try {
    text = readFileSync(pushedRulesPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<PushedRules>;
  const rules = rulesApplyArgsSchema.safeParse(parsed.rules);
  if (!rules.success) {
    throw new Error(`${pushedRulesPath(dataDir)} does not hold { active, shadow } rule packs: ${rules.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return { rules: rules.data, appliedAt: typeof parsed.appliedAt === 'number' ? parsed.appliedAt : 0 };
}

export function writePushedRules(dataDir: string, pushed: PushedRules): void {
  writeFileAtomic(pushedRulesPath(dataDir), JSON.stringify(pushed));
}
