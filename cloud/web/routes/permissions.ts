/** The permission matrix: GET /api/permissions (anyone logged in) and PUT /api/permissions (permissions.manage). */
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../auth/auth-service.ts';
import { permissionCatalogue, permissionIds, roleCatalogue, roleIds } from '../../auth/permissions.ts';
import { MatrixError, type Matrix } from '../../auth/role-matrix.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';

const permissionList = { type: 'array', uniqueItems: true, maxItems: permissionIds.length, items: { type: 'string', enum: permissionIds } } as const;
const matrixSchema = {
  type: 'object',
  additionalProperties: false,
  required: roleIds,
  properties: Object.fromEntries(roleIds.map((role) => [role, permissionList])),
  description: 'Role id -> the permission ids it holds.',
} as const;

const documentSchema = {
  type: 'object',
  required: ['permissions', 'roles', 'matrix', 'editable'],
  additionalProperties: false,
  properties: {
    permissions: { type: 'array', items: { type: 'object', required: ['id', 'description'], additionalProperties: false, properties: { id: { type: 'string' }, description: { type: 'string' } } } },
    roles: { type: 'array', items: { type: 'object', required: ['id', 'description'], additionalProperties: false, properties: { id: { type: 'string' }, description: { type: 'string' } } } },
    matrix: matrixSchema,
    editable: { type: 'boolean', description: 'Whether the caller may PUT a new matrix.' },
  },
} as const;

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema } as const;

export async function permissionRoutes(app: FastifyInstance, { auth, onMatrixChanged }: { auth: AuthService; onMatrixChanged?: () => void }) {
  const document = (editable: boolean) => ({
    permissions: permissionIds.map((id) => ({ id, description: permissionCatalogue[id] })),
    roles: roleIds.map((id) => ({ id, description: roleCatalogue[id] })),
    matrix: auth.parts.matrix.get(),
    editable,
  });

  app.get('/api/permissions', {
    config: { permission: 'authenticated' },
    schema: { summary: 'The permission catalogue, the roles and which role holds which permission', response: { 200: documentSchema, ...errors } },
  }, async (request) => document(request.principal!.permissions.has('permissions.manage')));

  app.put<{ Body: { matrix: Matrix } }>('/api/permissions', {
    config: { permission: 'permissions.manage' },
    schema: {
      summary: 'Replace the whole matrix; recorded in the audit log with before and after',
      body: { type: 'object', additionalProperties: false, required: ['matrix'], properties: { matrix: { ...matrixSchema, 'x-expected': `an object with every role (${roleIds.join(', ')}) -> a list of permission ids` } } },
      response: { 200: documentSchema, ...errors },
    },
  }, async (request) => {
    try {
      auth.updateMatrix(request.principal!, request.body.matrix, originOf(request));
    } catch (error) {
      if (error instanceof MatrixError) throw new ApiError(400, 'INVALID_VALUE', error.field, error.message);
      throw error;
    }
    onMatrixChanged?.(); // gateways get the new scenario permissions for their offline decisions
    return document(true);
  });
}
