// Staff sign-in for pages: a session cookie (HttpOnly, SameSite=Lax, Secure behind TLS), CSRF on
// every form, logout, password change, and throttled sign-in.
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { isHttps, SESSION_COOKIE, staffPage } from '../http/auth.js';
import { AppError } from '../common/errors.js';
import { toErrorBody } from '../http/error-handler.js';
import type { ClientLimits } from '../throttling/client-limits.js';
import { noticeOf, redirectWithNotice } from '../http/views.js';
import { changePassword, login, logout, SESSION_HOURS } from './auth.service.js';

function safeNext(next: unknown): string {
  // Only our own paths (never an open redirect), of printable characters: a line break would split
  // the Location header, which Node refuses with a server error.
  return typeof next === 'string' && next.length <= 2000 && /^\/(staff|admin)(?:[/?][\x21-\x7e]*)?$/.test(next) ? next : '/staff';
}

export async function staffPages(app: FastifyInstance, { ctx, limits }: { ctx: AppContext; limits: ClientLimits }) {
  // Open while the password must be changed (src/http/auth.ts).
  const open = { whilePasswordChangeRequired: true };

  app.get<{ Querystring: { next?: string } }>('/staff/login', async (request, reply) =>
    reply.page('staff/login', { title: '工作人员登录', next: safeNext(request.query.next), notice: noticeOf(request) }),
  );

  app.post<{ Body: { email?: string; password?: string; next?: string } }>(
    '/staff/login',
    // One bucket per client with the API's sign-in; each address has its own count besides (auth.service.ts).
    { onRequest: limits.signIn, preHandler: app.csrfProtection },
    async (request, reply) => {
      try {
        const { token } = await login(ctx, request.body, 'web', request.ip);
        reply.setCookie(SESSION_COOKIE, token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: isHttps(ctx, request),
          maxAge: SESSION_HOURS * 3600,
        });
        return reply.redirect(safeNext(request.body.next), 303);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const { status, body } = toErrorBody(err);
        return reply.status(status).page('staff/login', { title: '工作人员登录', error: body.message, email: request.body.email ?? '', next: safeNext(request.body.next) });
      }
    },
  );

  app.post('/staff/logout', { preHandler: [staffPage(ctx, undefined, open), app.csrfProtection] }, async (request, reply) => {
    await logout(ctx, request.principal!, request.sessionToken!);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/staff/login', 303);
  });

  // Asked by the page script while someone works on a page without loading another (typing a long
  // answer): the guard has counted it as use of the session (SESSION_IDLE_MINUTES).
  app.get('/staff/session', { preHandler: staffPage(ctx, undefined, open) }, async (_request, reply) => reply.status(204).send());

  app.get('/staff/password', { preHandler: staffPage(ctx, undefined, open) }, async (request, reply: FastifyReply) =>
    reply.page('staff/password', { title: '修改密码', required: request.principal!.passwordChangeRequired }),
  );

  app.post('/staff/password', { preHandler: [staffPage(ctx, undefined, open), app.csrfProtection] }, async (request, reply) => {
    try {
      await changePassword(ctx, request.principal!, request.sessionToken!, request.body);
      return redirectWithNotice(reply, '/staff', 'password_changed');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const { status, body } = toErrorBody(err);
      return reply
        .status(status)
        .page('staff/password', { title: '修改密码', required: request.principal!.passwordChangeRequired, errors: body.fields ?? { _: body.message }, errorMessage: body.message });
    }
  });
}
