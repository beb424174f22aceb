/**
 * What rule actions became in the cloud (docs/rule-release.md): spare-part requisitions and
 * location blocks, made from the gateways' `rule.action` events. Read-only here; any logged-in
 * user may read them.
 */
import type { FastifyInstance } from 'fastify';
import type { LocationBlocks } from '../../inventory/location-blocks.ts';
import type { SparePartRequisitions } from '../../purchasing/spare-part-requisitions.ts';
import { errors, locationBlockSchema, requisitionSchema } from './rules-schemas.ts';

const MAX_LIMIT = 5000;
const limitField = { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 500, description: 'Most entries, newest kept.', 'x-expected': `a whole number from 1 to ${MAX_LIMIT}` } as const;

export async function ruleEffectRoutes(app: FastifyInstance, { requisitions, blocks }: { requisitions?: SparePartRequisitions; blocks?: LocationBlocks }) {
  app.get<{ Querystring: { limit: number } }>('/api/purchasing/requisitions', {
    config: { permission: 'authenticated' },
    schema: {
      summary: 'Spare-part requisitions raised by process rules, newest first',
      querystring: { type: 'object', additionalProperties: false, properties: { limit: limitField } },
      response: { 200: { type: 'object', additionalProperties: false, required: ['requisitions'], properties: { requisitions: { type: 'array', items: requisitionSchema } } }, ...errors },
    },
  }, async (request) => ({ requisitions: requisitions?.list(request.query.limit) ?? [] }));

  app.get<{ Querystring: { active?: boolean; limit: number } }>('/api/inventory/location-blocks', {
    config: { permission: 'authenticated' },
    schema: {
      summary: 'Operations blocked at locations by process rules (put-away at a shelf out of its temperature range), newest first',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          active: { type: 'boolean', description: 'true: only blocks in force.', 'x-expected': 'true or false' },
          limit: limitField,
        },
      },
      response: { 200: { type: 'object', additionalProperties: false, required: ['blocks'], properties: { blocks: { type: 'array', items: locationBlockSchema } } }, ...errors },
    },
  }, async (request) => ({ blocks: blocks?.list({ activeOnly: request.query.active === true, limit: request.query.limit }) ?? [] }));
}
