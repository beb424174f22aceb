/**
 * `edgestock forecast backtest` as a user runs it: a real process on a CSV written from the real
 * US births series (2000-2014), JSON checked against what the backtest contract promises.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usBirthsSeries } from '../../cloud/forecasting/us-births-series.ts';

const DAY_MS = 86_400_000;
let dir: string;
let csvPath: string;

function edgestock(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/edgestock.js', ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'forecast-cli-'));
  csvPath = join(dir, 'births.csv');
  const births = usBirthsSeries();
  const start = Date.parse(`${births.firstDate}T00:00:00Z`);
  const lines = Array.from(births.values, (value, i) => `${new Date(start + i * DAY_MS).toISOString().slice(0, 10)},"${value}"`);
  writeFileSync(csvPath, `date,births\n${lines.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edgestock forecast backtest', () => {
  it('backtests seasonal naive and ETS on the US births CSV and prints JSON metrics', { timeout: 60_000 }, async () => {
    const { code, stdout, stderr } = await edgestock(['forecast', 'backtest', '--csv', csvPath, '--date', 'date', '--value', 'births', '--model', 'snaive,ets', '--folds', '6', '--json']);
    expect(stderr).toBe(''); // not a terminal: no progress bar
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.models).toEqual(['snaive', 'ets']);
    expect(result.series).toHaveLength(1);
    expect(result.series[0].id).toBe('births');
    expect(result.series[0].days).toBe(5479);
    expect(result.series[0].originDates.at(-1)).toBe('2014-12-18'); // 14 days before the end, 2014-12-31
    expect(result.classes).toEqual([expect.objectContaining({ demandClass: 'smooth', series: ['births'] })]);
    for (const name of ['snaive', 'ets']) {
      const metrics = result.pooled[name];
      expect(metrics.days).toBe(6 * 14);
      for (const measure of ['mape', 'wape', 'mase']) {
        expect(metrics[measure]).toBeGreaterThan(0);
        expect(metrics[measure]).toBeLessThan(measure === 'mase' ? 5 : 0.5);
      }
    }
    expect(['snaive', 'ets']).toContain(result.champion);
  });

  it('prints a table with every model, the LSTM included, for --model all', { timeout: 60_000 }, async () => {
    const { code, stdout } = await edgestock(['forecast', 'backtest', '--csv', csvPath, '--date', 'date', '--value', 'births', '--model', 'all', '--folds', '2', '--lstm-epochs', '1', '--lstm-hidden', '4']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^model\s+MAPE\s+WAPE\s+MASE/m);
    for (const name of ['snaive', 'ets', 'croston', 'tsb', 'lstm']) expect(stdout).toMatch(new RegExp(`^${name}\\s+\\d+\\.\\d\\d%\\s+\\d+\\.\\d\\d%\\s+\\d+\\.\\d{3}`, 'm'));
    expect(stdout).toMatch(/champion for smooth \(1 series\): \w+/);
  });

  it('lets the LSTM learn US holidays from the CSV dates with --lstm-calendar us, and refuses an unknown calendar', { timeout: 60_000 }, async () => {
    const { code, stdout, stderr } = await edgestock(['forecast', 'backtest', '--csv', csvPath, '--date', 'date', '--value', 'births', '--model', 'lstm', '--folds', '2', '--lstm-epochs', '1', '--lstm-hidden', '4', '--lstm-calendar', 'us', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lstm = JSON.parse(stdout).pooled.lstm;
    expect(lstm.days).toBe(2 * 14);
    expect(lstm.wape).toBeGreaterThan(0);
    expect(lstm.wape).toBeLessThan(0.5);
    const refused = await edgestock(['forecast', 'backtest', '--csv', csvPath, '--date', 'date', '--value', 'births', '--lstm-calendar', 'mars']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--lstm-calendar <holidays>' argument 'mars' is invalid\. Allowed choices are us, china, off/);
  });

  it('exits 2 naming the columns when a column is wrong', { timeout: 30_000 }, async () => {
    const { code, stderr } = await edgestock(['forecast', 'backtest', '--csv', csvPath, '--date', 'day', '--value', 'births']);
    expect(code).toBe(2);
    expect(stderr).toContain('--date "day" is not a column; the columns are "date", "births"');
  });
});
