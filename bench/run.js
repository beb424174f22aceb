#!/usr/bin/env node
// `npm run bench -- <name> [options]`: runs bench/<name>.ts and prints its JSON figures.
import { readdirSync } from 'node:fs';
import { register } from 'tsx/esm/api';

const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [options]; benchmarks: ${available.join(', ')}\n`);
  process.exit(2);
}
process.argv = [process.argv[0], name, ...rest];
register();
await import(`./${name}.ts`);
