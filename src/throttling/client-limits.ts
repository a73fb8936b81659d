// Per-client limits on what strangers can hammer, each one bucket per client whatever route it
// comes by (docs/security.md): submissions; sign-ins, page and API alike; everything that checks
// an access code (tracking page and API, letters and files, withdrawal, correction, reasons, the
// confirmation page's receipt cookie). Kept in each instance's memory by @fastify/rate-limit; the
// shared counts that instances must agree on are attempt windows (attempt-windows.ts).
// RATE_LIMIT_PER_MINUTE=0 turns them off.
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Config } from '../config/config.js';
import { AppError } from '../common/errors.js';

export type ClientLimits = { submission: onRequestAsyncHookHandler; signIn: onRequestAsyncHookHandler; accessCode: onRequestAsyncHookHandler };

const open: onRequestAsyncHookHandler = async () => {};

export const rateLimited = (retryAfter: string) => new AppError(429, 'rate_limited', '操作过于频繁，请稍后再试', { retryAfter });

/** One bucket per client (its address as TRUST_PROXY resolves it) shared by every route the hook is given to. */
function bucket(app: FastifyInstance, perMinute: number): onRequestAsyncHookHandler {
  const check = app.createRateLimit({ max: perMinute, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => request.ip });
  return async (request) => {
    const limit = await check(request);
    if (!limit.isAllowed && limit.isExceeded) throw rateLimited(String(Math.max(1, limit.ttlInSeconds)));
  };
}

export function clientLimits(app: FastifyInstance, config: Config): ClientLimits {
  const n = config.rateLimitPerMinute;
  if (n === 0) return { submission: open, signIn: open, accessCode: open };
  return { submission: bucket(app, n), signIn: bucket(app, n), accessCode: bucket(app, n) };
}
