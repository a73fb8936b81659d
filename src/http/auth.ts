// Who is calling: a bearer token (API) or the session cookie (pages). Routes that need staff add
// `preHandler: staffOnly(...)`.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { authenticate } from '../staff/auth.service.js';
import type { Principal } from '../staff/principal.js';
import type { StaffRole } from '../workflow/types.js';
import { AppError, forbidden, unauthorized } from '../common/errors.js';

export const SESSION_COOKIE = 'ogi_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    sessionToken: string | null;
  }
}

/**
 * The API takes only bearer tokens and pages only the session cookie, so a cookie can never drive
 * the API from another site, and pages need CSRF tokens only on their own forms.
 */
export function credentialsOf(request: FastifyRequest, kind: 'api' | 'web'): string | null {
  if (kind === 'api') {
    const header = request.headers.authorization;
    return header?.startsWith('Bearer ') ? header.slice(7).trim() || null : null;
  }
  return request.cookies?.[SESSION_COOKIE] || null;
}

/** Resolves the caller once per request; null when anonymous. */
export async function resolvePrincipal(ctx: AppContext, request: FastifyRequest, kind: 'api' | 'web'): Promise<Principal | null> {
  if (request.principal !== null) return request.principal;
  const token = credentialsOf(request, kind);
  if (!token) return null;
  const session = await authenticate(ctx, token);
  if (!session || session.kind !== kind) return null;
  request.principal = session.principal;
  request.sessionToken = token;
  return session.principal;
}

/**
 * `whilePasswordChangeRequired`: the routes open to someone whose password was given by another
 * (an administrator's reset or new account, the generated first administrator): changing it,
 * signing out, who am I, the page script's sign of use. Every other staff route waits until it is
 * changed.
 */
type Guard = { whilePasswordChangeRequired?: boolean };

/** API routes: a valid bearer token, and one of the roles if given. */
export function staffOnly(ctx: AppContext, roles?: StaffRole[], guard: Guard = {}) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const principal = await resolvePrincipal(ctx, request, 'api');
    if (!principal) throw unauthorized();
    if (roles && !roles.includes(principal.role)) throw forbidden();
    if (principal.passwordChangeRequired && !guard.whilePasswordChangeRequired) {
      throw new AppError(403, 'auth.password_change_required', '您的密码由管理员设置或由系统生成，请先修改密码（POST /api/auth/password）后再继续');
    }
  };
}

/**
 * Where to come back to after signing in. A form sent once the session has ended (30 minutes unused)
 * goes back to the page it was on: its own address when that is a page, else the page above it
 * (`/staff/cases/:tn` for `/staff/cases/:tn/events`), never an address only forms are sent to.
 */
function pageToReturnTo(request: FastifyRequest): string {
  if (request.method === 'GET' || request.method === 'HEAD') return request.url;
  let pattern = request.routeOptions.url ?? '';
  let path = request.url.split('?')[0]!;
  while (pattern.lastIndexOf('/') > 0) {
    if (request.server.hasRoute({ method: 'GET', url: pattern })) return path;
    pattern = pattern.slice(0, pattern.lastIndexOf('/'));
    path = path.slice(0, path.lastIndexOf('/'));
  }
  return '/staff';
}

/** Pages: a signed-in session, else off to the sign-in page (and back afterwards). */
export function staffPage(ctx: AppContext, roles?: StaffRole[], guard: Guard = {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = await resolvePrincipal(ctx, request, 'web');
    if (!principal) return reply.redirect(`/staff/login?next=${encodeURIComponent(pageToReturnTo(request))}`, 303);
    if (roles && !roles.includes(principal.role)) throw forbidden();
    if (principal.passwordChangeRequired && !guard.whilePasswordChangeRequired) return reply.redirect('/staff/password', 303);
  };
}

/** Behind TLS (directly or at the proxy): cookies get the Secure flag. */
export function isHttps(ctx: AppContext, request: FastifyRequest): boolean {
  return request.protocol === 'https' || ctx.config.publicUrl.startsWith('https:');
}
