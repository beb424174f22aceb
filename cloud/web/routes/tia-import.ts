/**
 * POST /api/tia-import: turns a TIA Portal (or STEP 7 classic) data block source export into S7
 * tag addresses (connectors/s7/tia-db-import.ts), for the admin UI to preview and add to an S7
 * connector. It computes and stores nothing.
 */
import type { FastifyInstance } from 'fastify';
import { importTiaDbSource } from '../../../connectors/s7/tia-db-import.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';

/** A whole DB source with comments can pass the app's 64 KiB default; a 1 MiB export is a very large block. */
export const TIA_IMPORT_BODY_LIMIT_BYTES = 1024 * 1024;

interface TiaImportBody {
  source: string;
  dbNumber?: number;
}

const s7Types = ['X', 'BYTE', 'CHAR', 'WORD', 'INT', 'DWORD', 'DINT', 'REAL', 'LREAL', 'STRING'];

const schema = {
  summary: 'Tags with absolute S7 addresses from a data block source export (standard access only)',
  description: 'Paste the text TIA Portal writes with "Generate source from blocks" (*.db). Optimized blocks are refused: their members have no fixed offsets.',
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['source'],
    properties: {
      source: {
        type: 'string', minLength: 1, maxLength: TIA_IMPORT_BODY_LIMIT_BYTES,
        'x-expected': 'the text of a DB source export, starting DATA_BLOCK "Name" and ending END_DATA_BLOCK',
      },
      dbNumber: {
        type: 'integer', minimum: 1, maximum: 65535,
        'x-expected': "the block's number, 1..65535 (TIA Portal shows it in the block's properties); optional when the source says DATA_BLOCK DB<n>",
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['blockName', 'dbNumber', 'sizeBytes', 'tags', 'skipped'],
      additionalProperties: false,
      properties: {
        blockName: { type: 'string' },
        dbNumber: { type: 'integer' },
        sizeBytes: { type: 'integer', description: 'Bytes the block occupies, padded to an even number.' },
        tags: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'address', 'type', 'declaredType'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', description: 'Member path as TIA shows it, e.g. Machine[1].ShotCounter.' },
              address: { type: 'string', description: 'nodes7 address for an S7 tag, e.g. DB1,DINT0.' },
              type: { type: 'string', enum: s7Types },
              declaredType: { type: 'string', description: 'The declared TIA type, e.g. DInt, String[16].' },
            },
          },
        },
        skipped: {
          type: 'array',
          description: 'Members that have an address but no S7 tag type yet, with the reason.',
          items: {
            type: 'object',
            required: ['name', 'declaredType', 'reason'],
            additionalProperties: false,
            properties: { name: { type: 'string' }, declaredType: { type: 'string' }, reason: { type: 'string' } },
          },
        },
      },
    },
    400: apiErrorSchema,
    401: apiErrorSchema,
    403: apiErrorSchema,
    413: apiErrorSchema,
  },
} as const;

export async function tiaImportRoute(app: FastifyInstance) {
  app.post<{ Body: TiaImportBody }>('/api/tia-import', {
    config: { permission: 'connectors.manage' },
    bodyLimit: TIA_IMPORT_BODY_LIMIT_BYTES,
    schema,
  }, async (request) => {
    const { source, dbNumber } = request.body;
    const result = importTiaDbSource(source, { dbNumber });
    if (!result.ok) {
      // The importer's messages name what to change; those about the number concern dbNumber,
      // every other one (with its line number) the source text.
      const field = result.error.includes('dbNumber') || result.error.startsWith('DB number') ? 'dbNumber' : 'source';
      throw new ApiError(400, 'INVALID_VALUE', field, result.error);
    }
    const { blockName, sizeBytes, tags, skipped } = result;
    return { blockName, dbNumber: result.dbNumber, sizeBytes, tags, skipped };
  });
}
