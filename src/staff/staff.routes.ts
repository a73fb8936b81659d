import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { ClientLimits } from '../throttling/client-limits.js';
import { z } from 'zod';
import { staffOnly } from '../http/auth.js';
import { ERRORS, STAFF } from '../http/openapi.js';
import { newStaffSchema, passwordResetSchema, principalSchema, signedInSchema, staffIdParams, staffListSchema } from './staff.schemas.js';
import { changePassword, createStaff, login, loginInput, logout, newStaffInput, passwordChangeInput, resetStaffPassword } from './auth.service.js';

const tags = ['staff'];
const done = { 204: z.undefined(), ...ERRORS };
const SCHEMAS = {
  login: {
    tags,
    summary: 'Sign in: a bearer token for the staff endpoints',
    description:
      '401 auth.invalid_credentials; 401 auth.sign_in_paused from the sixth try at one address within 15 minutes; 429 auth.client_paused after 20 failures from one client.',
    body: loginInput,
    response: { 200: signedInSchema, ...ERRORS },
  },
  logout: { tags, summary: 'End this session', security: STAFF, response: done },
  password: { tags, summary: 'Change one’s own password (10 characters or more, of three kinds)', security: STAFF, body: passwordChangeInput, response: done },
  me: { tags, summary: 'The signed-in member of staff', security: STAFF, response: { 200: principalSchema, ...ERRORS } },
  create: { tags, summary: 'Create a staff account (administrator)', security: STAFF, body: newStaffInput, response: { 201: newStaffSchema, ...ERRORS } },
  reset: {
    tags,
    summary: 'A generated password for someone who forgot theirs (administrator); every session of the account ends',
    security: STAFF,
    params: staffIdParams,
    response: { 200: passwordResetSchema, ...ERRORS },
  },
  edit: {
    tags,
    summary: 'Edit a staff account: name, role, agency or jurisdiction (administrator); a change of role or place ends its sessions',
    security: STAFF,
    params: staffIdParams,
    body: staffEditInput,
    response: { 200: newStaffSchema.omit({ email: true }), ...ERRORS },
  },
  list: { tags, summary: 'Staff accounts (administrators: all; office heads: their agency’s)', security: STAFF, response: { 200: staffListSchema, ...ERRORS } },
};
import { listStaff } from './staff.repository.js';
import { staffEditInput, updateStaff } from './accounts.service.js';

export async function staffRoutes(app: FastifyInstance, { ctx, limits }: { ctx: AppContext; limits: ClientLimits }) {
  const open = { whilePasswordChangeRequired: true };
  app.post('/api/auth/login', { schema: SCHEMAS.login, onRequest: limits.signIn }, async (request) => {
    const { token, principal } = await login(ctx, request.body, 'api', request.ip);
    return { token, staff: principal };
  });

  app.post('/api/auth/logout', { schema: SCHEMAS.logout, preHandler: staffOnly(ctx, undefined, open) }, async (request, reply) => {
    await logout(ctx, request.principal!, request.sessionToken!);
    return reply.status(204).send();
  });

  app.post('/api/auth/password', { schema: SCHEMAS.password, preHandler: staffOnly(ctx, undefined, open) }, async (request, reply) => {
    await changePassword(ctx, request.principal!, request.sessionToken!, request.body);
    return reply.status(204).send();
  });

  app.get('/api/auth/me', { schema: SCHEMAS.me, preHandler: staffOnly(ctx, undefined, open) }, async (request) => request.principal);

  app.post('/api/staff', { schema: SCHEMAS.create, preHandler: staffOnly(ctx, ['admin']) }, async (request, reply) => reply.status(201).send(await createStaff(ctx, request.body)));

  app.put<{ Params: { id: string } }>('/api/staff/:id', { schema: SCHEMAS.edit, preHandler: staffOnly(ctx, ['admin']) }, async (request) =>
    updateStaff(ctx, request.principal!, Number(request.params.id), request.body),
  );

  app.post<{ Params: { id: string } }>('/api/staff/:id/password', { schema: SCHEMAS.reset, preHandler: staffOnly(ctx, ['admin']) }, async (request) =>
    resetStaffPassword(ctx, request.principal!, Number(request.params.id)),
  );

  app.get('/api/staff', { schema: SCHEMAS.list, preHandler: staffOnly(ctx, ['admin', 'supervisor']) }, async (request) => {
    const p = request.principal!;
    return { items: await listStaff(ctx.db, p.role === 'admin' ? undefined : p.agencyId!) };
  });
}
