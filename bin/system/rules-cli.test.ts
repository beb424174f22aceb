/**
 * `edgestock rules compile` and `edgestock rules test` as a process expert runs them: the library
 * pack's examples pass, its Structured Text is valid IEC 61131-3 (our validator, rules/compile-st),
 * and a mistake is reported as `file:line:col: message` with exit code 1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSt } from '../../rules/compile-st/validate-st.ts';
import { execFile } from 'node:child_process';

/** Runs the CLI; `output` is stdout then stderr, unprefixed, as a user sees them. */
function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['bin/edgestock.js', ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}${stderr}` });
    });
  });
}

const library = 'rules/library/demo-plant.rules.yaml';

describe('edgestock rules', () => {
  it('runs the library examples and exits 0', async () => {
    const { code, output } = await run(['rules', 'test', library]);
    expect(output).toMatch(/10 examples, 10 passed, 0 failed \(6 rules in demo-plant v1\)/);
    expect(code).toBe(0);
  });

  it('compiles every library rule to Structured Text that the IEC 61131-3 validator accepts', async () => {
    const { code, output } = await run(['rules', 'compile', '--target', 'st', library]);
    expect(code).toBe(0);
    const blocks = output.split(/(?=^FUNCTION_BLOCK )/m).map((b) => b.trim()).filter((b) => b.startsWith('FUNCTION_BLOCK'));
    expect(blocks).toHaveLength(6);
    for (const block of blocks) expect(validateSt(block)).toEqual([]);
  });

  it('prints canonical English and Chinese with --target text', async () => {
    const { code, output } = await run(['rules', 'compile', library]);
    expect(code).toBe(0);
    expect(output).toContain('zh: 当B12货位温度不在2到8℃之间持续5分钟时，阻止B12上架并通知质检');
  });

  it('reports a misspelled term and a unit mistake at their file:line:col and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgestock-rules-cli-'));
    try {
      const pack = join(dir, 'bad.rules.yaml');
      const text = readFileSync(library, 'utf8')
        .replace('glossary: demo-plant.glossary.yaml', `glossary: ${resolve('rules/library/demo-plant.glossary.yaml')}`)
        .replace('en: When remnant weight of furnace F1 exceeds 15 kg', 'en: When remnant wieght of furnace F1 exceeds 15 kg')
        .replace('en: When the temperature of shelf B12 is outside 2 to 8 °C for 5 minutes', 'en: When the temperature of shelf B12 is outside 2 to 8 mm for 5 minutes');
      writeFileSync(pack, text);
      const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
      const { code, output } = await run(['rules', 'compile', pack]);
      expect(code).toBe(1);
      const wieght = lineOf('remnant wieght');
      expect(output).toContain(`${pack}:${wieght}:${text.split('\n')[wieght - 1]!.indexOf('remnant wieght') + 1}: unknown term "remnant wieght of furnace F1"; did you mean "remnant weight of furnace {furnace}"?`);
      expect(output).toMatch(new RegExp(`${pack.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${lineOf('2 to 8 mm')}:\\d+: .*length.*°C`));
      // A text file of rules needs a glossary.
      const plain = join(dir, 'one.txt');
      writeFileSync(plain, 'When remnant weight of furnace F1 exceeds 15 kg, start approval "re-melt".\n');
      const noGlossary = await run(['rules', 'compile', plain]);
      expect(noGlossary.code).toBe(1);
      expect(noGlossary.output).toContain('needs --glossary FILE');
      const withGlossary = await run(['rules', 'compile', '--target', 'ast', '--glossary', 'rules/library/demo-plant.glossary.yaml', plain]);
      expect(withGlossary.code).toBe(0);
      expect(JSON.parse(withGlossary.output).ast.condition).toMatchObject({ kind: 'compare', op: 'exceeds', right: { kind: 'quantity', value: 15, unit: 'kg' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
