/**
 * Reads a rule pack file (`*.rules.yaml`) and the glossary it names, as raw objects for rules/ to
 * validate, plus where each rule's text starts in the file so a problem at a rule's line:col can
 * be reported at the file's line:col (`file:line:col: message`, as compilers do).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Scalar } from 'yaml';
import { ConfigError } from './config-error.ts';

export interface RuleTextPlace {
  /** Offset in the file of the rule text's first character. */
  offset: number;
  /** Whether the text can be mapped character by character (a plain or quoted one-line scalar without escapes). */
  exact: boolean;
}

export interface RulePackFile {
  path: string;
  text: string;
  /** The pack as parsed YAML, not yet validated. */
  pack: unknown;
  /** The glossary file's path and parsed content, when the pack names one or one was given. */
  glossaryPath?: string;
  glossary?: unknown;
  /** `${ruleIndex}.${lang}` -> where that text starts. */
  places: Map<string, RuleTextPlace>;
}

function readYaml(path: string): { text: string; doc: ReturnType<typeof parseDocument> } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [{ path: '', message: `cannot read it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(path, doc.errors.map((e) => ({ path: '', message: `${e.linePos?.[0] ? `${e.linePos[0].line}:${e.linePos[0].col}: ` : ''}${e.message.split('\n')[0]}` })));
  }
  return { text, doc };
}

/** Reads a YAML glossary file as a raw object. */
export function readGlossaryFile(path: string): unknown {
  return readYaml(path).doc.toJS();
}

/**
 * Reads a pack file; `glossaryOverride` (a path) replaces the glossary the pack names. Relative
 * glossary paths resolve against the pack file's folder.
 */
export function readRulePackFile(path: string, glossaryOverride?: string): RulePackFile {
  const { text, doc } = readYaml(path);
  const pack = doc.toJS() as unknown;
  const places = new Map<string, RuleTextPlace>();
  const rules = doc.get('rules', true);
  if (isSeq(rules)) {
    rules.items.forEach((rule, i) => {
      if (!isMap(rule)) return;
      for (const lang of ['en', 'zh']) {
        const node = rule.get(lang, true);
        if (!isScalar(node) || !node.range) continue;
        const scalar = node as Scalar;
        const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
        const raw = text.slice(scalar.range![0], scalar.range![1]);
        const inner = quoted ? raw.slice(1, -1) : raw;
        places.set(`${i}.${lang}`, { offset: scalar.range![0] + (quoted ? 1 : 0), exact: inner === String(scalar.value) });
      }
    });
  }
  const named = pack && typeof pack === 'object' && typeof (pack as { glossary?: unknown }).glossary === 'string'
    ? resolve(dirname(path), (pack as { glossary: string }).glossary) : undefined;
  const glossaryPath = glossaryOverride ?? named;
  return {
    path, text, pack, places,
    ...(glossaryPath ? { glossaryPath, glossary: readGlossaryFile(glossaryPath) } : {}),
  };
}

/** 1-based line and column of an offset in `text`. */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}
