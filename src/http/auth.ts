// Who is calling: a bearer token (API) or the session cookie (pages). Routes that need staff add
// `preHandler: staffOnly(...)`.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { authenticate } from '../staff/auth.service.js';
import type { Principal } from '../staff/principal.js';
import type { StaffRole } from '../workflow/types.js';
import { forbidden, unauthorized } from './errors.js';

export const SESSION_COOKIE = 'ogi_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    sessionToken: string | null;
    sessionCsrf: string | null;
    sessionKind: 'api' | 'web' | null;
  }
}

export function credentialsOf(request: FastifyRequest): { token: string; kind: 'api' | 'web' } | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), kind: 'api' };
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) {
    const unsigned = request.unsignCookie(cookie);
    if (unsigned.valid && unsigned.value) return { token: unsigned.value, kind: 'web' };
  }
  return null;
}

/** Resolves the caller once per request; null when anonymous. */
export async function resolvePrincipal(ctx: AppContext, request: FastifyRequest): Promise<Principal | null> {
  if (request.principal !== null) return request.principal;
  const credentials = credentialsOf(request);
  if (!credentials) return null;
  const session = await authenticate(ctx, credentials.token);
  if (!session) return null;
  request.principal = session.principal;
  request.sessionToken = credentials.token;
  request.sessionCsrf = session.csrfToken;
  request.sessionKind = credentials.kind;
  return session.principal;
}

export function staffOnly(ctx: AppContext, roles?: StaffRole[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const principal = await resolvePrincipal(ctx, request);
    if (!principal) throw unauthorized();
    if (roles && !roles.includes(principal.role)) throw forbidden();
  };
}
