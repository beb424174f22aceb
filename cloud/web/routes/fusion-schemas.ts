/**
 * JSON schemas of the fusion API (routes/fusion.ts): the shapes of cloud/inventory/fusion/
 * fusion-types.ts as OpenAPI sees them, kept apart so the route file reads as the routes.
 */
import { bucketNames, sourceKinds } from '../../inventory/fusion/fusion-types.ts';
import { CODE_PATTERN } from '../../inventory/inventory-codes.ts';

const str = { type: 'string' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;
const obj = (properties: Record<string, object>, description?: string) =>
  ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties, ...(description ? { description } : {}) });

export const codeField = (expected: string) => ({ type: 'string', pattern: CODE_PATTERN, 'x-expected': expected } as const);
export const bucketEnum = { type: 'string', enum: [...bucketNames] } as const;

export const sourceSchema = obj({
  id: str, name: str, kind: { type: 'string', enum: [...sourceKinds, 'core'] }, channel: nullableString,
  trust: { type: 'number', description: '0..1; the allowed deviation is the tolerance times the trust.' },
  tolerancePct: { type: 'number' }, toleranceAbs: { type: 'number' }, updatedAt: { type: 'integer' }, updatedBy: str,
});

export const figureDefinitionSchema = {
  type: 'object', additionalProperties: false, required: ['figure', 'formula'],
  properties: {
    figure: { type: 'string', maxLength: 130, description: '<source>.<figure> or <system>.<figure>, e.g. douyin.sellable, erp.available' },
    formula: { type: 'string', maxLength: 1000, description: 'Arithmetic over buckets, a bucket optionally [channel]-qualified; min(), max().' },
    note: { type: ['string', 'null'], maxLength: 500 },
  },
} as const;

export const arbitrationRuleSchema = {
  type: 'object', additionalProperties: false, required: ['id', 'buckets', 'prefer'],
  properties: {
    id: { type: 'string', maxLength: 64 },
    buckets: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 64 }, description: 'Bucket names, or "*" for all.' },
    prefer: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 70 }, description: 'Source ids or kind:<kind>, most preferred first.' },
    tieBreak: { type: 'string', enum: ['newest', 'trust'] },
    why: { type: ['string', 'null'], maxLength: 500 },
  },
} as const;

export const dictionaryBodyProperties = {
  sources: { type: 'array', maxItems: 500, items: figureDefinitionSchema, 'x-expected': 'a list of { figure: "<source>.<figure>", formula, note? }' },
  targets: { type: 'array', maxItems: 500, items: figureDefinitionSchema, 'x-expected': 'a list of { figure: "<system>.<figure>", formula, note? }' },
  arbitration: { type: 'array', maxItems: 100, items: arbitrationRuleSchema, 'x-expected': 'a list of { id, buckets, prefer, tieBreak?, why? }' },
} as const;

export const dictionarySchema = obj({
  version: { type: 'integer' }, author: str, createdAt: { type: 'integer' }, why: str, ...dictionaryBodyProperties,
});
export const versionSummarySchema = obj({ version: { type: 'integer' }, author: str, createdAt: { type: 'integer' }, why: str });

export const reportSchema = obj({
  id: { type: 'integer' }, source: str, messageId: str, sku: str, figure: str, value: { type: 'number' }, raw: str,
  observedAt: { type: 'integer' }, receivedAt: { type: 'integer' }, dictionaryVersion: { type: 'integer' },
  bucket: { type: ['string', 'null'], description: 'The bucket cell it sets; null for a composite figure kept as reported.' }, channel: nullableString,
  expected: { ...nullableNumber, description: 'What the fusion expected when it arrived; null: nothing to compare with.' },
  allowedDeviation: nullableNumber,
  status: { type: 'string', enum: ['applied', 'pending', 'rejected'] }, statusReason: nullableString,
  decidedBy: nullableString, decidedAt: nullableInteger, actor: str,
});

const cellLineageSchema = obj({
  bucket: str, channel: nullableString, value: { type: 'number' }, source: str, sourceKind: str, trust: { type: 'number' },
  reportId: nullableInteger, messageId: nullableString, raw: str, observedAt: { type: 'integer' }, receivedAt: { type: 'integer' },
  mappingVersion: nullableInteger,
  rule: obj({ id: str, why: str }),
  outranked: { type: 'array', items: obj({ source: str, value: { type: 'number' }, reportId: nullableInteger }) },
});

const inputLineageSchema = obj({
  ref: str, bucket: str, channel: nullableString, value: nullableNumber,
  how: { type: 'string', enum: ['cell', 'total', 'sum-of-channels', 'missing'] },
  cells: { type: 'array', items: cellLineageSchema },
});

export const figureLineageSchema = obj({
  sku: str, figure: str, value: nullableNumber, formula: str, filled: { type: 'string', description: 'The formula with the numbers filled in.' },
  dictionaryVersion: { type: 'integer' }, computedAt: { type: 'integer' },
  inputs: { type: 'array', items: inputLineageSchema }, missing: { type: 'array', items: str }, problem: nullableString,
});

const observedSchema = obj({
  sku: str, figure: str, value: { type: 'number' }, report: reportSchema,
  check: obj({
    expected: nullableNumber, difference: nullableNumber, formula: str, filled: str,
    inputs: { type: 'array', items: inputLineageSchema }, missing: { type: 'array', items: str },
  }),
});

export const skuFusionSchema = obj({
  sku: str,
  buckets: { type: 'array', items: obj({ bucket: str, channel: nullableString, value: { type: 'number' }, source: str, reportId: nullableInteger, rule: str }) },
  figures: { type: 'array', items: figureLineageSchema },
  observed: { type: 'array', items: observedSchema },
  pending: { type: 'array', items: reportSchema },
});

export const reportOutcomeSchema = obj({
  report: reportSchema, duplicate: { type: 'boolean' },
  changed: {
    type: 'array', description: 'Target figures whose value changed, with the value before.',
    items: { ...figureLineageSchema, required: [...figureLineageSchema.required, 'previous'], properties: { ...figureLineageSchema.properties, previous: nullableNumber } },
  },
});
