/**
 * Process rules from the admin API (docs/rule-release.md): the glossary and a live compile for
 * the editor, pack versions, and their release (shadow, grey, production, rollback) to gateways.
 * Reading needs a logged-in user; creating needs rules.edit; releasing the permission of its
 * stage (process experts release to grey, plant engineers approve production). Every release
 * action is in the audit log with the user, succeeded or refused.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditAction, AuditLog } from '../../auth/audit-log.ts';
import { permissionCatalogue, type PermissionId } from '../../auth/permissions.ts';
import type { GatewayRef, PackVersion } from '../../rules/rule-pack-store.ts';
import {
  ReleaseConflictError, RulesInvalidError, UnknownGatewaysError, UnknownPackVersionError, type NewPackInput, type RuleRelease,
} from '../../rules/rule-release.ts';
import type { RulesApi } from '../../rules/rules-api.ts';
import { ApiError } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';
import {
  compileAnswerSchema, comparisonSchema, deploymentSchema, errors, gatewaysField, packDetailSchema, packSummarySchema, releaseOutcomeSchema, versionParams,
} from './rules-schemas.ts';

/** A pack with examples for every rule is far larger than the API's default body limit. */
const PACK_BODY_LIMIT = 1024 * 1024;
/** One rule text: a sentence or two. */
const MAX_RULE_TEXT = 4000;

interface VersionParams { version: number }

export async function ruleRoutes(app: FastifyInstance, { rules, audit }: { rules?: RulesApi; audit: AuditLog }) {
  const need = (): RulesApi => {
    if (!rules) throw new ApiError(404, 'NOT_FOUND', null, 'this cloud has no process rules configured; add rules: { glossary, seedPack } to its config file (docs/rule-release.md)');
    return rules;
  };
  const actorOf = (request: FastifyRequest) => request.principal!.account.username;
  const record = (request: FastifyRequest, action: AuditAction, outcome: 'success' | 'failure', target: string, before?: unknown, after?: unknown) => {
    const principal = request.principal!;
    audit.record({ actor: principal.account.username, actorKind: principal.kind === 'token' ? 'token' : 'user', ...originOf(request), action, outcome, target, before, after });
  };
  /** Runs a release step; a refusal is audited as a failure and answered with the API's error body. */
  const audited = async <T extends object>(request: FastifyRequest, action: AuditAction, target: string, before: unknown, run: () => Promise<T> | T): Promise<T> => {
    try {
      const outcome = await run();
      record(request, action, 'success', target, before, outcome);
      return outcome;
    } catch (error) {
      const translated = translate(error);
      record(request, action, 'failure', target, before, { error: (translated as Error).message });
      throw translated;
    }
  };
  const requirePermission = (request: FastifyRequest, permission: PermissionId) => {
    const principal = request.principal!;
    if (principal.permissions.has(permission)) return;
    throw new ApiError(403, 'FORBIDDEN', null, `${principal.kind === 'token' ? 'this token' : `role "${principal.account.role}"`} does not hold "${permission}" `
      + `(${permissionCatalogue[permission]}); ask an admin to grant it in Permissions`);
  };

  app.get('/api/rules/glossary', {
    config: { permission: 'authenticated' },
    schema: {
      summary: 'The site glossary rules are written against: terms in English and Chinese, parameters, roles, items, operations, flows, recommendations',
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['version', 'glossary'],
          properties: { version: { type: ['integer', 'null'] }, glossary: { type: ['object', 'null'], additionalProperties: true, description: 'null when the cloud has no rules configured' } },
        },
        ...errors,
      },
    },
  }, async () => {
    if (!rules) return { version: null, glossary: null };
    const glossary = rules.release.glossary();
    return { version: glossary.version, glossary };
  });

  app.post<{ Body: { text: string; lang?: 'en' | 'zh' | 'auto' } }>('/api/rules/compile', {
    config: { permission: 'authenticated' },
    schema: {
      summary: 'Compile one rule text: its AST, canonical English and Chinese, IEC 61131-3 ST and JavaScript, or every problem placed in the text (200 either way)',
      body: {
        type: 'object', additionalProperties: false, required: ['text'],
        properties: {
          text: { type: 'string', minLength: 1, maxLength: MAX_RULE_TEXT, 'x-expected': 'a rule sentence, e.g. When remnant weight of furnace F1 exceeds 15 kg, start approval "re-melt".' },
          lang: { type: 'string', enum: ['en', 'zh', 'auto'], default: 'auto', 'x-expected': 'en, zh or auto' },
        },
      },
      response: { 200: compileAnswerSchema, ...errors },
    },
  }, async (request) => need().compile(request.body.text, request.body.lang ?? 'auto'));

  app.get('/api/rules/packs', {
    config: { permission: 'authenticated' },
    schema: {
      summary: 'Every rule pack version, newest first, with its stage and example results',
      response: { 200: { type: 'object', additionalProperties: false, required: ['production', 'packs'], properties: { production: { type: ['integer', 'null'] }, packs: { type: 'array', items: packSummarySchema } } }, ...errors },
    },
  }, async () => {
    if (!rules) return { production: null, packs: [] };
    return { production: rules.release.production(), packs: rules.release.list().map(summary) };
  });

  app.post<{ Body: NewPackInput }>('/api/rules/packs', {
    config: { permission: 'rules.edit' },
    bodyLimit: PACK_BODY_LIMIT,
    schema: {
      summary: 'Create the next pack version: compiled against the glossary, examples run, stored at sandbox (400 with every problem when a rule does not compile)',
      body: {
        type: 'object', additionalProperties: false, required: ['pack', 'rules'],
        properties: {
          pack: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$', 'x-expected': 'the pack name, e.g. demo-plant' },
          rules: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'object', additionalProperties: true }, 'x-expected': 'a list of rules { id, title?, en?, zh?, examples? } as in a *.rules.yaml file' },
          facts: { type: 'object', additionalProperties: { type: ['number', 'boolean', 'string'] }, 'x-expected': 'an object of fact name -> number, boolean or text' },
        },
      },
      response: { 201: packDetailSchema, ...errors },
    },
  }, async (request, reply) => {
    const { release } = need();
    const created = await audited(request, 'rules.pack.create', `pack ${request.body.pack}`, undefined, () => {
      const pack = release.create(request.body, actorOf(request));
      return { version: pack.version, stage: pack.stage, examplesPassed: pack.examplesPassed };
    });
    return reply.code(201).send(detail(release, release.get(created.version)));
  });

  app.get<{ Params: VersionParams }>('/api/rules/packs/:version', {
    config: { permission: 'authenticated' },
    schema: { summary: 'One pack version: its rules, facts, example results, stage history and the gateways running it', params: versionParams, response: { 200: packDetailSchema, ...errors } },
  }, async (request) => {
    const { release } = need();
    return detail(release, guard(() => release.get(request.params.version)));
  });

  app.post<{ Params: VersionParams; Body: { gateways?: GatewayRef[] } }>('/api/rules/packs/:version/shadow', {
    config: { permission: 'rules.release.grey' },
    schema: {
      summary: 'Run a version in shadow beside the active version (effects only logged) on chosen gateways or all; answers with each gateway\'s deployment',
      params: versionParams,
      body: { type: 'object', additionalProperties: false, properties: { gateways: gatewaysField } },
      response: { 200: releaseOutcomeSchema, ...errors },
    },
  }, async (request) => {
    const { release } = need();
    const { version } = request.params;
    return audited(request, 'rules.pack.shadow', `version ${version}`, { gateways: request.body?.gateways ?? 'all' },
      () => release.shadow(version, request.body?.gateways, actorOf(request)));
  });

  app.post<{ Params: VersionParams; Body: { stage: 'grey' | 'production'; gateways?: GatewayRef[] } }>('/api/rules/packs/:version/promote', {
    // grey needs rules.release.grey and production rules.release.production.approve: checked below.
    config: { permission: 'authenticated' },
    schema: {
      summary: 'Make a version active: grey on chosen gateways (rules.release.grey) or production on every gateway (rules.release.production.approve)',
      params: versionParams,
      body: {
        type: 'object', additionalProperties: false, required: ['stage'],
        properties: { stage: { type: 'string', enum: ['grey', 'production'], 'x-expected': 'grey or production' }, gateways: gatewaysField },
      },
      response: { 200: releaseOutcomeSchema, ...errors },
    },
  }, async (request) => {
    const { release } = need();
    const { version } = request.params;
    const { stage, gateways } = request.body;
    requirePermission(request, stage === 'grey' ? 'rules.release.grey' : 'rules.release.production.approve');
    return audited(request, 'rules.pack.promote', `version ${version}`, { stage, gateways: gateways ?? 'all', production: release.production() },
      () => release.promote(version, stage, gateways, actorOf(request)));
  });

  app.post('/api/rules/rollback', {
    config: { permission: 'rules.release.production.approve' },
    schema: {
      summary: 'Bring the previous production version back on every gateway; the current one is retired',
      body: { type: 'object', additionalProperties: false, properties: {} },
      response: { 200: releaseOutcomeSchema, ...errors },
    },
  }, async (request) => {
    const { release } = need();
    const current = release.production();
    return audited(request, 'rules.pack.rollback', `version ${current ?? 'none'}`, { production: current }, () => release.rollback(actorOf(request)));
  });

  app.get('/api/rules/deployments', {
    config: { permission: 'authenticated' },
    schema: {
      summary: 'Per gateway: the desired active and shadow versions, how the last rules.apply settled, and what the gateway reports it runs',
      response: { 200: { type: 'object', additionalProperties: false, required: ['production', 'deployments'], properties: { production: { type: ['integer', 'null'] }, deployments: { type: 'array', items: deploymentSchema } } }, ...errors },
    },
  }, async () => {
    if (!rules) return { production: null, deployments: [] };
    return { production: rules.release.production(), deployments: rules.release.deployments() };
  });

  app.get<{ Params: VersionParams; Querystring: { latest: number } }>('/api/rules/packs/:version/shadow-comparison', {
    config: { permission: 'authenticated' },
    schema: {
      summary: 'Per rule, since the shadow started: live firings of the active version against shadow firings of this one, with the latest of each',
      params: versionParams,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { latest: { type: 'integer', minimum: 0, maximum: 50, default: 5, description: 'How many of the latest firings to list per rule and side.', 'x-expected': 'a whole number from 0 to 50' } },
      },
      response: { 200: comparisonSchema, ...errors },
    },
  }, async (request) => {
    const deps = need();
    guard(() => deps.release.get(request.params.version));
    return deps.shadowComparison(request.params.version, request.query.latest);
  });
}

function summary(pack: PackVersion) {
  const passed = pack.examples.filter((e) => e.passed).length;
  return {
    version: pack.version, pack: pack.pack, stage: pack.stage, createdBy: pack.createdBy, createdAt: pack.createdAt, glossaryVersion: pack.glossaryVersion,
    rules: pack.rules.length, examples: { passed, failed: pack.examples.length - passed }, examplesPassed: pack.examplesPassed,
  };
}

function detail(release: RuleRelease, pack: PackVersion) {
  const inputs = new Map(pack.compiled.map((c) => [c.id, c.inputs]));
  const gateways = release.deployments().flatMap((d) => [
    ...(d.activeVersion === pack.version ? [{ group: d.group, edge: d.edge, as: 'active' as const }] : []),
    ...(d.shadowVersion === pack.version ? [{ group: d.group, edge: d.edge, as: 'shadow' as const }] : []),
  ]);
  return {
    version: pack.version, pack: pack.pack, stage: pack.stage, createdBy: pack.createdBy, createdAt: pack.createdAt,
    glossaryVersion: pack.glossaryVersion, astVersion: pack.astVersion, facts: pack.facts,
    rules: pack.rules.map((r) => ({ ...r, inputs: inputs.get(r.id) ?? [] })),
    examples: pack.examples, examplesPassed: pack.examplesPassed, history: release.history(pack.version), gateways,
  };
}

function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw translate(error);
  }
}

function translate(error: unknown): unknown {
  if (error instanceof RulesInvalidError) return new ApiError(400, 'RULES_INVALID', error.problems[0]?.path ?? null, error.message, error.problems);
  if (error instanceof UnknownPackVersionError) return new ApiError(404, 'NOT_FOUND', 'version', error.message);
  if (error instanceof ReleaseConflictError) return new ApiError(error.field === 'gateways' ? 400 : 409, error.field === 'gateways' ? 'INVALID_VALUE' : 'CONFLICT', error.field, error.message);
  if (error instanceof UnknownGatewaysError) return new ApiError(400, 'GATEWAY_UNKNOWN', 'gateways', error.message);
  return error;
}
