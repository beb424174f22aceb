import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from './config-error.ts';
import { interpolateEnv } from './interpolate-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-secrets-'));
const secret = join(dir, 'gw-password');
writeFileSync(secret, '  s3cret-from-file\n');

function run(value: unknown, env: Record<string, string> = {}, baseDir?: string) {
  const problems: ConfigProblem[] = [];
  return { value: interpolateEnv(value, env, problems, '', { baseDir }), problems };
}

describe('config references', () => {
  it('reads ${file:/path} and trims it', () => {
    expect(run({ north: { password: `\${file:${secret}}` } })).toEqual({ value: { north: { password: 's3cret-from-file' } }, problems: [] });
  });

  it('resolves a relative ${file:...} from the base folder', () => {
    expect(run({ password: '${file:gw-password}' }, {}, dir).value).toEqual({ password: 's3cret-from-file' });
  });

  it('keeps a secret of digits a string, while a whole ${ENV} of digits becomes a number', () => {
    const digits = join(dir, 'digits');
    writeFileSync(digits, '123456\n');
    expect(run({ password: `\${file:${digits}}`, port: '${PORT}' }, { PORT: '1883' }).value).toEqual({ password: '123456', port: 1883 });
  });

  it('mixes file and environment references in one string', () => {
    expect(run({ url: `user:\${file:${secret}}@\${HOST:-localhost}` }).value).toEqual({ url: 'user:s3cret-from-file@localhost' });
  });

  it('names the path of a missing or empty secret file, with the setting it was for', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, ' \n');
    const { problems } = run({ broker: { users: [{ password: `\${file:${join(dir, 'nope')}}` }, { password: `\${file:${empty}}` }] } });
    expect(problems).toEqual([
      { path: 'broker.users[0].password', message: `cannot read secret file ${join(dir, 'nope')} (ENOENT); check the path and that this user may read it` },
      { path: 'broker.users[1].password', message: `secret file ${empty} is empty; write the secret into it` },
    ]);
  });

  it('still reads ${file:-x} as the environment variable "file" with a default', () => {
    expect(run({ a: '${file:-fallback}' }).value).toEqual({ a: 'fallback' });
  });
});
