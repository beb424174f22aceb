import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { withoutPositions } from '../ast.ts';
import { parseRule } from '../parser/parse-rule.ts';
import { renderRule } from './render-rule.ts';
import { ruleArbitrary } from './rule-arbitrary.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

// Sized so the whole file runs in a few seconds.
fc.configureGlobal({ numRuns: 1500 });

describe('canonical text round trip', () => {
  for (const lang of ['en', 'zh'] as const) {
    it(`parses the ${lang === 'en' ? 'English' : 'Chinese'} rendering of any rule back to the same AST`, () => {
      fc.assert(fc.property(ruleArbitrary(glossary), (ast) => {
        const text = renderRule(ast, glossary, lang);
        const parsed = parseRule(text, glossary, { lang });
        expect(parsed, text).toMatchObject({ ok: true });
        if (parsed.ok) expect(withoutPositions(parsed.ast), text).toEqual(withoutPositions(ast));
      }));
    });
  }

  it('renders every library rule to text that reads back the same in both languages', () => {
    const pack = YAML.parse(readFileSync(new URL('../library/demo-plant.rules.yaml', import.meta.url), 'utf8')) as { rules: Array<{ id: string; en: string; zh: string }> };
    for (const rule of pack.rules) {
      const en = parseRule(rule.en, glossary, { lang: 'en' });
      const zh = parseRule(rule.zh, glossary, { lang: 'zh' });
      if (!en.ok || !zh.ok) throw new Error(`${rule.id} does not parse: ${JSON.stringify(en.ok ? zh : en)}`);
      expect(withoutPositions(zh.ast), rule.id).toEqual(withoutPositions(en.ast));
      for (const lang of ['en', 'zh'] as const) {
        const again = parseRule(renderRule(en.ast, glossary, lang), glossary, { lang });
        expect(again.ok && withoutPositions(again.ast), `${rule.id} ${lang}`).toEqual(withoutPositions(en.ast));
      }
    }
  });
});
