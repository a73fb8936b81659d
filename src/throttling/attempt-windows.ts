// Attempts counted in a window that begins with the first of them, shared by every instance (the
// database holds them): after `limit` attempts the key is paused until its window ends. One policy
// per scope; the window never outlives WINDOW_MINUTES, so a pause never lasts longer.
//   - sign_in_address: sign-in attempts at one e-mail address (GB/T 22239-2019 8.1.4.1 b), always on;
//   - sign_in_client: failed sign-ins from one client, whichever addresses it tries (password spraying);
//   - access_code: wrong access codes for one tracking number, from any client or route.
// The last two are budgets of RATE_LIMIT_PER_MINUTE: `0` turns them off (docs/security.md).

export const WINDOW_MINUTES = 15;

export const ATTEMPT_LIMITS = {
  sign_in_address: 5,
  sign_in_client: 20,
  access_code: 10,
} as const;

export type AttemptScope = keyof typeof ATTEMPT_LIMITS;

export type AttemptWindow = { attempts: number; windowStartedAt: Date };

export const windowFrom = (now: Date) => new Date(now.getTime() - WINDOW_MINUTES * 60_000);
export const windowEnd = (w: AttemptWindow) => new Date(w.windowStartedAt.getTime() + WINDOW_MINUTES * 60_000);

/** Whether a window, as counted so far, pauses its key at `now`: more attempts than the limit, and not yet over. */
export function pausedUntil(scope: AttemptScope, w: AttemptWindow | null, now: Date): Date | null {
  if (!w || w.attempts <= ATTEMPT_LIMITS[scope]) return null;
  const end = windowEnd(w);
  return end > now ? end : null;
}

/** Seconds until a pause ends, for Retry-After. */
export const secondsUntil = (end: Date, now: Date) => String(Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000)));
