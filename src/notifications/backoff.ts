// When to try a mail again after a failed delivery. Pure.

export const MAX_ATTEMPTS = 8;
const BASE_MS = 60_000;
const CAP_MS = 6 * 60 * 60_000;

/** Delay before attempt `attempts + 1`: 1, 2, 4, 8 … minutes, at most 6 hours; null when it is time to give up. */
export function retryDelayMs(attempts: number): number | null {
  if (attempts >= MAX_ATTEMPTS) return null;
  return Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempts - 1));
}
