/**
 * The semantic dictionary, checked and compiled: every source figure and target figure parsed,
 * every bucket, channel, source and arbitration rule looked up, and every problem reported at
 * once (path + message) when a version is saved, so a dictionary in use never holds a formula
 * that cannot be evaluated.
 */
import { closestMatch } from '../closest-match.ts';
import {
  bucketNames, CORE_SOURCE, sourceKinds, type ArbitrationRule, type BucketName, type DictionaryDefinition, type Source,
} from './fusion-types.ts';
import { parseFormula, referencesOf, singleBucket, type Formula } from './formula.ts';

export interface CompiledFigure {
  /** `douyin.sellable`, `erp.available`. */
  name: string;
  /** The part before the dot: a source id or a target system. */
  owner: string;
  /** The part after the dot. */
  figure: string;
  text: string;
  formula: Formula;
  note: string | null;
}

export interface CompiledDictionary {
  version: number;
  /** By full name (`douyin.sellable`); `sets` is the bucket cell a report of it sets, null for a composite figure. */
  sourceFigures: Map<string, CompiledFigure & { sets: { bucket: BucketName; channel: string | null } | null }>;
  targets: CompiledFigure[];
  arbitration: ArbitrationRule[];
}

export interface DictionaryProblem { path: string; message: string }

export const MAX_DEFINITIONS = 500;
const FIGURE_NAME = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.([a-z][a-z0-9_]{0,63})$/;
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const hint = (name: string, candidates: Iterable<string>) => {
  const near = closestMatch(name, candidates);
  return near ? ` (did you mean "${near}"?)` : '';
};

/** Checks a definition against the sources and channels known now; returns the compiled dictionary or every problem. */
export function compileDictionary(
  definition: DictionaryDefinition, version: number, sources: Source[], extraChannels: Iterable<string> = [],
  options: { references?: boolean } = {},
): { ok: true; dictionary: CompiledDictionary } | { ok: false; problems: DictionaryProblem[] } {
  const problems: DictionaryProblem[] = [];
  // A saved version is read back without the reference checks: a source's channel changed since must not stop the fusion.
  const references = options.references ?? true;
  const sourceIds = new Set(sources.map((s) => s.id));
  const channels = new Set<string>([...extraChannels, ...sources.flatMap((s) => (s.channel ? [s.channel] : []))]);
  const seen = new Set<string>();

  const compile = (list: DictionaryDefinition['sources'], listName: 'sources' | 'targets'): CompiledFigure[] => {
    if (list.length > MAX_DEFINITIONS) problems.push({ path: listName, message: `${listName}: ${list.length} definitions; at most ${MAX_DEFINITIONS}` });
    const out: CompiledFigure[] = [];
    list.forEach((entry, i) => {
      const path = `${listName}.${i}`;
      const name = FIGURE_NAME.exec(entry.figure);
      if (!name) {
        const example = listName === 'sources' ? 'douyin.sellable' : 'erp.available';
        problems.push({ path: `${path}.figure`, message: `${path}.figure: "${entry.figure}" is not a figure name; expected <${listName === 'sources' ? 'source' : 'system'}>.<figure> such as ${example} (figure in lower case, digits and _)` });
        return;
      }
      const owner = name[1]!;
      const figure = name[2]!;
      if (references && listName === 'sources' && !sourceIds.has(owner)) {
        const why = owner === CORE_SOURCE ? `; ${CORE_SOURCE} is the inventory core itself, its buckets need no definition` : '';
        problems.push({ path: `${path}.figure`, message: `${path}.figure: unknown source "${owner}"${hint(owner, sourceIds)}${why}; add it with PUT /api/fusion/sources/${owner} first` });
      }
      if (seen.has(entry.figure)) problems.push({ path: `${path}.figure`, message: `${path}.figure: "${entry.figure}" is defined twice; keep one definition` });
      seen.add(entry.figure);
      const parsed = parseFormula(entry.formula);
      if (!parsed.ok) {
        for (const p of parsed.problems) problems.push({ path: `${path}.formula`, message: `${path}.formula (${entry.figure}), column ${p.column}: ${p.message}` });
      }
      if (!parsed.formula) return;
      for (const ref of referencesOf(parsed.formula)) {
        if (references && ref.channel !== null && !channels.has(ref.channel)) {
          problems.push({
            path: `${path}.formula`,
            message: `${path}.formula (${entry.figure}), column ${ref.column}: unknown channel "${ref.channel}"${hint(ref.channel, channels)}; the channels are those of the sources (${[...channels].join(', ') || 'none yet'})`,
          });
        }
      }
      if (parsed.ok) out.push({ name: entry.figure, owner, figure, text: entry.formula.trim(), formula: parsed.formula, note: entry.note ?? null });
    });
    return out;
  };

  const sourceFigures = compile(definition.sources, 'sources');
  const targets = compile(definition.targets, 'targets');
  if (references) checkRules(definition.arbitration, sourceIds, problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    dictionary: {
      version,
      sourceFigures: new Map(sourceFigures.map((f) => [f.name, { ...f, sets: singleBucket(f.formula) }])),
      targets,
      arbitration: definition.arbitration,
    },
  };
}

function checkRules(rules: ArbitrationRule[], sourceIds: Set<string>, problems: DictionaryProblem[]): void {
  const ids = new Set<string>();
  const known = [...sourceIds, CORE_SOURCE];
  const kinds = [...sourceKinds, 'core'];
  rules.forEach((rule, i) => {
    const path = `arbitration.${i}`;
    if (!RULE_ID.test(rule.id)) problems.push({ path: `${path}.id`, message: `${path}.id: "${rule.id}" is not a rule id; expected letters, digits, ".", "_" or "-", such as wms-physical` });
    if (ids.has(rule.id)) problems.push({ path: `${path}.id`, message: `${path}.id: "${rule.id}" is used twice; rule ids are unique` });
    ids.add(rule.id);
    if (rule.buckets.length === 0) problems.push({ path: `${path}.buckets`, message: `${path}.buckets: empty; name the buckets the rule decides, or "*" for all` });
    rule.buckets.forEach((bucket, j) => {
      if (bucket !== '*' && !(bucketNames as readonly string[]).includes(bucket)) {
        problems.push({ path: `${path}.buckets.${j}`, message: `${path}.buckets.${j}: unknown bucket "${bucket}"${hint(bucket, bucketNames)}; the buckets are ${bucketNames.join(', ')} or "*"` });
      }
    });
    rule.prefer.forEach((entry, j) => {
      const at = `${path}.prefer.${j}`;
      if (entry.startsWith('kind:')) {
        const kind = entry.slice(5);
        if (!kinds.includes(kind)) problems.push({ path: at, message: `${at}: unknown source kind "${kind}"${hint(kind, kinds)}; the kinds are ${kinds.join(', ')}` });
      } else if (!known.includes(entry)) {
        problems.push({ path: at, message: `${at}: unknown source "${entry}"${hint(entry, known)}; name a source id, ${CORE_SOURCE}, or kind:<kind> such as kind:ecommerce` });
      }
    });
  });
}
