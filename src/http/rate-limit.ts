// Per-client limits on what strangers can hammer: submissions, tracking lookups and logins.
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { Config } from '../config/config.js';

/** The route option: a per-minute limit, or false when RATE_LIMIT_PER_MINUTE=0. */
export type RateLimit = RateLimitOptions | false;

export function publicRateLimit(config: Config): RateLimit {
  return config.rateLimitPerMinute > 0 ? { max: config.rateLimitPerMinute, timeWindow: 60_000 } : false;
}
