/**
 * The committed JSON Schemas (devices/schemas/*.schema.json) are what scan-protocol.ts generates,
 * and every example payload of docs/scan-protocol.md (fenced as ```json scan / decision /
 * reading) validates against them with an independent validator (ajv, draft 2020-12) and
 * against the zod schemas the gateway uses.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { decisionSchema, readingSchema, reasonCodes, scanSchema } from './scan-protocol.ts';
import {
  scanProtocolJsonSchema, scanProtocolJsonSchemas, scanProtocolSchemaNames, scanProtocolSchemaPath, scanProtocolSchemaText,
  type ScanProtocolSchemaName,
} from './scan-protocol-json-schema.ts';

const zodSchemas = { scan: scanSchema, decision: decisionSchema, reading: readingSchema } as const;
const docText = readFileSync(new URL('../docs/scan-protocol.md', import.meta.url), 'utf8');

/** The doc's example payloads: fenced blocks whose info string is `json scan`, `json decision` or `json reading`. */
function docExamples(): Array<{ kind: ScanProtocolSchemaName; text: string; line: number }> {
  const examples: Array<{ kind: ScanProtocolSchemaName; text: string; line: number }> = [];
  for (const match of docText.matchAll(/^```json (scan|decision|reading)\n([\s\S]*?)^```$/gm)) {
    examples.push({ kind: match[1] as ScanProtocolSchemaName, text: match[2]!, line: docText.slice(0, match.index).split('\n').length });
  }
  return examples;
}

function compiledSchemas() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  return Object.fromEntries(scanProtocolSchemaNames.map((name) => {
    const committed: unknown = JSON.parse(readFileSync(scanProtocolSchemaPath(name), 'utf8'));
    return [name, ajv.compile(committed as object)];
  })) as Record<ScanProtocolSchemaName, ReturnType<Ajv2020['compile']>>;
}

describe('scan protocol JSON Schemas', () => {
  it.each(scanProtocolSchemaNames)('the committed %s.schema.json is the generated one (run `npx tsx devices/scan-protocol-json-schema.ts` after changing scan-protocol.ts)', (name) => {
    expect(readFileSync(scanProtocolSchemaPath(name), 'utf8')).toBe(scanProtocolSchemaText(name));
  });

  it('are draft 2020-12 with an id, a title and the fields of the protocol', () => {
    const schemas = scanProtocolJsonSchemas();
    for (const name of scanProtocolSchemaNames) {
      expect(schemas[name]).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `urn:edgestock:scan-protocol:${name}`, type: 'object' });
      expect(schemas[name]).toEqual(scanProtocolJsonSchema(name));
    }
    expect(schemas.scan).toMatchObject({ required: ['scanId', 'operator', 'op', 'code'], additionalProperties: false });
    expect(schemas.decision).toMatchObject({ required: ['scanId', 'verdict', 'reasons', 'prompt', 'signal', 'decidedAt'] });
    expect(JSON.stringify(schemas.decision)).toContain(JSON.stringify([...reasonCodes]));
  });

  it('accept every example payload of docs/scan-protocol.md, as the zod schemas do', () => {
    const validators = compiledSchemas();
    const examples = docExamples();
    expect(examples.filter((e) => e.kind === 'scan').length).toBeGreaterThanOrEqual(4);
    expect(examples.filter((e) => e.kind === 'decision').length).toBeGreaterThanOrEqual(4);
    expect(examples.filter((e) => e.kind === 'reading').length).toBeGreaterThanOrEqual(1);
    for (const example of examples) {
      const where = `docs/scan-protocol.md line ${example.line} (${example.kind})`;
      const payload: unknown = JSON.parse(example.text);
      const validate = validators[example.kind];
      expect(validate(payload), `${where}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(zodSchemas[example.kind].safeParse(payload).success, where).toBe(true);
    }
  });

  it('the doc\'s worked examples show each verdict and name every reason code', () => {
    const decisions = docExamples().filter((e) => e.kind === 'decision').map((e) => JSON.parse(e.text) as { verdict: string });
    expect(new Set(decisions.map((d) => d.verdict))).toEqual(new Set(['allow', 'warn', 'block']));
    for (const code of reasonCodes) expect(docText, `reason code ${code} is not explained`).toContain(`| \`${code}\` |`);
  });

  it('refuse what the gateway refuses, and agree with zod on it', () => {
    const validators = compiledSchemas();
    const good = { scanId: 's-1', operator: 'op-anna', op: 'pick', code: '(01)09506000134352', location: 'B12' };
    const bad: Array<[ScanProtocolSchemaName, unknown]> = [
      ['scan', { ...good, colour: 'red' }],
      ['scan', { ...good, op: 'steal' }],
      ['scan', { ...good, scanId: 'has space' }],
      ['scan', { ...good, qty: 0 }],
      ['scan', { ...good, code: '' }],
      ['scan', { scanId: 's-1', op: 'pick', code: 'x' }],
      ['decision', { scanId: 's-1', verdict: 'maybe', reasons: [], prompt: { en: '', zh: '' }, signal: 'none', decidedAt: 1 }],
      ['decision', { scanId: 's-1', verdict: 'allow', reasons: [{ code: 'NOPE', message: '' }], prompt: { en: '', zh: '' }, signal: 'none', decidedAt: 1 }],
      ['decision', { scanId: 's-1', verdict: 'allow', reasons: [], prompt: { en: '' }, signal: 'none', decidedAt: 1 }],
      ['reading', { values: { Temperature: 5 } }],
      ['reading', { values: { temperature: '5' } }],
      ['reading', { values: {}, extra: 1 }],
    ];
    expect(validators.scan(good)).toBe(true);
    for (const [kind, payload] of bad) {
      expect(validators[kind](payload), `${kind} ${JSON.stringify(payload)}`).toBe(false);
      expect(zodSchemas[kind].safeParse(payload).success, `${kind} ${JSON.stringify(payload)}`).toBe(false);
    }
  });
});
