import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from './edit-distance.ts';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['temperature', 'temperature', 0],
    ['temprature', 'temperature', 1],
    ['thcikness', 'thickness', 1],
    ['kitten', 'sitting', 3],
    ['货位温渡', '货位温度', 1],
    ['ca', 'abc', 3],
  ])('counts %s -> %s as %i edits', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });
});

describe('nearest', () => {
  const names = ['QA', 'quality assurance', 'maintenance', 'tooling'];
  it('suggests the closest candidates at the smallest distance', () => {
    expect(nearest('maintenence', names, (n) => n)).toEqual(['maintenance']);
    expect(nearest('qa', ['QA', 'qb'], (n) => n.toLowerCase())).toEqual(['QA']);
  });

  it('suggests nothing for an unrelated word', () => {
    expect(nearest('forklift battery', names, (n) => n)).toEqual([]);
  });

  it('lists at most the limit, without repeating a text', () => {
    expect(nearest('ab', ['aa', 'bb', 'ac', 'aa'], (n) => n, 2)).toEqual(['aa', 'bb']);
  });
});
