import { describe, expect, it } from 'vitest';
import { type Glossary } from '../glossary.ts';
import { glossaryIndex, samplePattern } from './glossary-index.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

describe('glossaryIndex', () => {
  it('is built once per glossary object', () => {
    expect(glossaryIndex(glossary)).toBe(glossaryIndex(glossary));
    expect(glossaryIndex({ ...glossary })).not.toBe(glossaryIndex(glossary));
  });

  it('matches the longest template at an offset, with the slot values and where they are', () => {
    const text = 'When melt temperature of furnace F1 exceeds';
    const match = glossaryIndex(glossary).termAt('en', text, 5);
    expect(match?.term.id).toBe('melt-temperature');
    expect(match?.length).toBe('melt temperature of furnace F1'.length);
    expect(match?.slots).toEqual([{ name: 'furnace', value: 'F1', offset: text.indexOf('F1') }]);
  });

  it('matches a template only up to a word boundary', () => {
    expect(glossaryIndex(glossary).termAt('en', 'weld counts', 0)).toBeUndefined();
    expect(glossaryIndex(glossary).termAt('en', 'weld count, then', 0)?.term.id).toBe('weld-count');
  });

  it('matches Chinese templates with Latin values, spaced or not', () => {
    const index = glossaryIndex(glossary);
    expect(index.termAt('zh', 'IMM-01注塑机模次不大于', 0)).toMatchObject({ template: '{machine}注塑机模次', length: 'IMM-01注塑机模次'.length });
    expect(index.termAt('zh', '焊枪 G2 焊点数', 0)?.slots[0]).toMatchObject({ name: 'gun', value: 'G2', offset: 3 });
  });

  it('looks vocabulary names up case-insensitively in English and exactly in Chinese', () => {
    const index = glossaryIndex(glossary);
    expect(index.vocabulary('items', 'en', 'Electrode  Cap')).toBe('electrode-cap');
    expect(index.vocabulary('roles', 'zh', '质检')).toBe('qa');
    expect(index.vocabulary('roles', 'zh', '质 检')).toBe('qa');
    expect(index.vocabulary('roles', 'en', 'quality')).toBeUndefined();
  });

  it('checks a parameter value against its whole pattern', () => {
    const index = glossaryIndex(glossary);
    expect(index.checkParameter('shelf', 'B17').ok).toBe(true);
    expect(index.checkParameter('shelf', 'B18').ok).toBe(false);
    expect(index.checkParameter('shelf', 'xB12').ok).toBe(false);
  });

  it('refuses nothing to a glossary whose pattern does not compile, and matches no value with it', () => {
    const broken: Glossary = { ...glossary, parameters: { ...glossary.parameters, shelf: { kind: 'location', pattern: 'B1[' } } };
    expect(glossaryIndex(broken).checkParameter('shelf', 'B12').ok).toBe(false);
  });
});

describe('samplePattern', () => {
  it.each([
    ['B1[0-7]', 'B10'],
    ['G[1-3]', 'G1'],
    ['W[0-9]{1,2}', 'W0'],
    ['IMM-0[1-2]', 'IMM-01'],
    ['F1', 'F1'],
    ['A\\d{3}', 'A000'],
  ])('gives a value matching %s', (pattern, expected) => {
    expect(samplePattern(pattern)).toBe(expected);
  });
});
