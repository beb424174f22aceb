/** JSON schemas of the rule routes (docs/rule-release.md has an example of each answer). */
import { apiErrorSchema } from '../api-errors.ts';

export const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;

const idLevel = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 128, 'x-expected': 'a Sparkplug group or edge id' } as const;
const gatewayRef = { type: 'object', additionalProperties: false, required: ['group', 'edge'], properties: { group: idLevel, edge: idLevel } } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const packRef = { type: ['object', 'null'], additionalProperties: false, required: ['pack', 'version'], properties: { pack: { type: 'string' }, version: { type: 'integer' } } } as const;
const stage = { type: 'string', enum: ['sandbox', 'shadow', 'grey', 'production', 'retired'] } as const;

export const gatewaysField = {
  type: 'array', minItems: 1, maxItems: 1000, items: gatewayRef,
  description: 'Gateways to deploy to; left out: every known gateway.',
  'x-expected': 'a list of { "group", "edge" } of gateways that reported (GET /api/gateways)',
} as const;

export const versionParams = {
  type: 'object', additionalProperties: false, required: ['version'],
  properties: { version: { type: 'integer', minimum: 1, 'x-expected': 'a pack version number (GET /api/rules/packs lists them)' } },
} as const;

export const ruleProblemSchema = {
  type: 'object', additionalProperties: false, required: ['code', 'message', 'line', 'col', 'offset', 'length'],
  properties: {
    code: { type: 'string' }, message: { type: 'string' },
    line: { type: 'integer' }, col: { type: 'integer' }, offset: { type: 'integer' }, length: { type: 'integer' },
  },
} as const;

export const compileAnswerSchema = {
  type: 'object', additionalProperties: false, required: ['ok', 'lang', 'ast', 'text', 'st', 'js', 'problems'],
  properties: {
    ok: { type: 'boolean', description: 'The rule parses and passes the checker; st and js are given.' },
    lang: { type: ['string', 'null'], enum: ['en', 'zh', null] },
    ast: { type: ['object', 'null'], additionalProperties: true, description: 'The rule AST (rules/ast.ts).' },
    text: {
      type: ['object', 'null'], additionalProperties: false, required: ['en', 'zh'],
      properties: { en: { type: 'string' }, zh: { type: 'string' } }, description: 'The canonical text in both languages.',
    },
    st: { type: ['string', 'null'], description: 'An IEC 61131-3 FUNCTION_BLOCK.' },
    js: { type: ['string', 'null'], description: 'What the edge runtime evaluates, as readable JavaScript.' },
    problems: { type: 'array', items: ruleProblemSchema },
  },
} as const;

export const deploymentSchema = {
  type: 'object', additionalProperties: false,
  required: ['group', 'edge', 'activeVersion', 'shadowVersion', 'status', 'inSync', 'error', 'changedBy', 'changedAt', 'settledAt', 'reported', 'reportedAt'],
  properties: {
    group: { type: 'string' }, edge: { type: 'string' },
    activeVersion: nullableInt, shadowVersion: nullableInt,
    status: { type: 'string', enum: ['pending', 'applied', 'failed'] },
    inSync: { type: 'boolean', description: 'What the gateway last reported is the desired state.' },
    error: { type: ['string', 'null'] },
    changedBy: { type: 'string' }, changedAt: { type: 'integer' }, settledAt: nullableInt,
    reported: { type: ['object', 'null'], additionalProperties: false, required: ['active', 'shadow'], properties: { active: packRef, shadow: packRef } },
    reportedAt: nullableInt,
  },
} as const;

export const releaseOutcomeSchema = {
  type: 'object', additionalProperties: false, required: ['version', 'stage', 'deployments'],
  properties: { version: { type: 'integer' }, stage, deployments: { type: 'array', items: deploymentSchema }, retired: { type: 'integer' } },
} as const;

const stageChange = {
  type: 'object', additionalProperties: false, required: ['version', 'action', 'from', 'to', 'by', 'at', 'gateways'],
  properties: {
    version: { type: 'integer' }, action: { type: 'string' }, from: { type: ['string', 'null'] }, to: { type: 'string' },
    by: { type: 'string' }, at: { type: 'integer' }, gateways: { type: 'array', items: gatewayRef },
  },
} as const;

const exampleResult = {
  type: 'object', additionalProperties: false, required: ['rule', 'name', 'passed', 'detail'],
  properties: { rule: { type: 'string' }, name: { type: 'string' }, passed: { type: 'boolean' }, detail: {} },
} as const;

export const packSummarySchema = {
  type: 'object', additionalProperties: false,
  required: ['version', 'pack', 'stage', 'createdBy', 'createdAt', 'glossaryVersion', 'rules', 'examples', 'examplesPassed'],
  properties: {
    version: { type: 'integer' }, pack: { type: 'string' }, stage, createdBy: { type: 'string' }, createdAt: { type: 'integer' },
    glossaryVersion: { type: 'integer' }, rules: { type: 'integer', description: 'How many rules.' },
    examples: { type: 'object', additionalProperties: false, required: ['passed', 'failed'], properties: { passed: { type: 'integer' }, failed: { type: 'integer' } } },
    examplesPassed: { type: 'boolean' },
  },
} as const;

export const packDetailSchema = {
  type: 'object', additionalProperties: false,
  required: ['version', 'pack', 'stage', 'createdBy', 'createdAt', 'glossaryVersion', 'astVersion', 'facts', 'rules', 'examples', 'examplesPassed', 'history', 'gateways'],
  properties: {
    version: { type: 'integer' }, pack: { type: 'string' }, stage, createdBy: { type: 'string' }, createdAt: { type: 'integer' },
    glossaryVersion: { type: 'integer' }, astVersion: { type: 'integer' },
    facts: { type: 'object', additionalProperties: { type: ['number', 'boolean', 'string'] } },
    rules: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['id', 'examples', 'inputs'],
        properties: {
          id: { type: 'string' }, title: { type: 'string' }, en: { type: 'string' }, zh: { type: 'string' },
          examples: { type: 'array', items: { type: 'object', additionalProperties: true } },
          inputs: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    examples: { type: 'array', items: exampleResult },
    examplesPassed: { type: 'boolean' },
    history: { type: 'array', items: stageChange },
    gateways: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['group', 'edge', 'as'], properties: { group: { type: 'string' }, edge: { type: 'string' }, as: { type: 'string', enum: ['active', 'shadow'] } } },
    },
  },
} as const;

const firing = {
  type: 'object', additionalProperties: false, required: ['at', 'group', 'edge', 'version', 'effect', 'inputs'],
  properties: { at: { type: 'integer' }, group: { type: 'string' }, edge: { type: 'string' }, version: { type: 'integer' }, effect: {}, inputs: {} },
} as const;
const firingSummary = { type: 'object', additionalProperties: false, required: ['count', 'latest'], properties: { count: { type: 'integer' }, latest: { type: 'array', items: firing } } } as const;

export const comparisonSchema = {
  type: 'object', additionalProperties: false, required: ['version', 'since', 'activeVersions', 'gateways', 'rules'],
  properties: {
    version: { type: 'integer' }, since: nullableInt, activeVersions: { type: 'array', items: { type: 'integer' } },
    gateways: { type: 'array', items: gatewayRef },
    rules: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['rule', 'live', 'shadow'], properties: { rule: { type: 'string' }, live: firingSummary, shadow: firingSummary } },
    },
  },
} as const;

export const requisitionSchema = {
  type: 'object', additionalProperties: false,
  required: ['id', 'item', 'quantity', 'group', 'edge', 'rule', 'packVersion', 'status', 'requestedAt', 'createdAt'],
  properties: {
    id: { type: 'string' }, item: { type: 'string' }, quantity: { type: 'integer' }, group: { type: 'string' }, edge: { type: 'string' },
    rule: { type: 'string' }, packVersion: { type: 'integer' }, status: { type: 'string', enum: ['open'] },
    requestedAt: { type: 'integer' }, createdAt: { type: 'integer' },
  },
} as const;

export const locationBlockSchema = {
  type: 'object', additionalProperties: false,
  required: ['id', 'operation', 'location', 'group', 'edge', 'rule', 'packVersion', 'since', 'released', 'releasedAt'],
  properties: {
    id: { type: 'string' }, operation: { type: 'string' }, location: { type: 'string' }, group: { type: 'string' }, edge: { type: 'string' },
    rule: { type: 'string' }, packVersion: { type: 'integer' }, since: { type: 'integer' }, released: { type: 'boolean' }, releasedAt: nullableInt,
  },
} as const;
