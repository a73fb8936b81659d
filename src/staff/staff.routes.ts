import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { ClientLimits } from '../throttling/client-limits.js';
import { staffOnly } from '../http/auth.js';
import { changePassword, createStaff, login, logout, resetStaffPassword } from './auth.service.js';
import { listStaff } from './staff.repository.js';

export async function staffRoutes(app: FastifyInstance, { ctx, limits }: { ctx: AppContext; limits: ClientLimits }) {
  const open = { whilePasswordChangeRequired: true };
  app.post('/api/auth/login', { onRequest: limits.signIn }, async (request) => {
    const { token, principal } = await login(ctx, request.body, 'api', request.ip);
    return { token, staff: principal };
  });

  app.post('/api/auth/logout', { preHandler: staffOnly(ctx, undefined, open) }, async (request, reply) => {
    await logout(ctx, request.principal!, request.sessionToken!);
    return reply.status(204).send();
  });

  app.post('/api/auth/password', { preHandler: staffOnly(ctx, undefined, open) }, async (request, reply) => {
    await changePassword(ctx, request.principal!, request.sessionToken!, request.body);
    return reply.status(204).send();
  });

  app.get('/api/auth/me', { preHandler: staffOnly(ctx, undefined, open) }, async (request) => request.principal);

  app.post('/api/staff', { preHandler: staffOnly(ctx, ['admin']) }, async (request, reply) => reply.status(201).send(await createStaff(ctx, request.body)));

  app.post<{ Params: { id: string } }>('/api/staff/:id/password', { preHandler: staffOnly(ctx, ['admin']) }, async (request) =>
    resetStaffPassword(ctx, request.principal!, Number(request.params.id)),
  );

  app.get('/api/staff', { preHandler: staffOnly(ctx, ['admin', 'supervisor']) }, async (request) => {
    const p = request.principal!;
    return { items: await listStaff(ctx.db, p.role === 'admin' ? undefined : p.agencyId!) };
  });
}
