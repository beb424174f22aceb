/**
 * Test support: the demo plant's glossary (rules/library/demo-plant.glossary.yaml), parsed and
 * checked once. Tests only; production code in rules/ does no I/O.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { parseGlossary, type Glossary } from '../glossary.ts';

let cached: Glossary | undefined;

export function demoGlossary(): Glossary {
  if (cached) return cached;
  const parsed = parseGlossary(YAML.parse(readFileSync(new URL('../library/demo-plant.glossary.yaml', import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  cached = parsed.glossary;
  return cached;
}
