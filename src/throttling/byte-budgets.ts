// Bytes of uploads per minute, per client and for the whole instance (docs/security.md, D4): a
// token bucket each, refilled continuously, taken from as the bytes arrive. Pure apart from the
// clock it is given; kept in the instance's memory like the per-client limits.

export type ByteBudgets = {
  /** Takes `bytes` from the client's bucket and the instance's; null when both had them, else seconds to wait. */
  take(client: string, bytes: number): number | null;
  /** Whether `bytes` could be taken now without taking them (a request's declared length, checked before reading). */
  fits(client: string, bytes: number): number | null;
};

type Bucket = { tokens: number; at: number };

export function byteBudgets(args: { perClientPerMinute: number; perMinute: number; now?: () => number }): ByteBudgets {
  const now = args.now ?? Date.now;
  const clients = new Map<string, Bucket>();
  const all: Bucket = { tokens: args.perMinute, at: now() };
  const refill = (b: Bucket, capacity: number, t: number) => {
    b.tokens = Math.min(capacity, b.tokens + ((t - b.at) * capacity) / 60_000);
    b.at = t;
  };
  const wait = (b: Bucket, capacity: number, bytes: number) => Math.ceil(((Math.min(bytes, capacity) - b.tokens) * 60_000) / capacity / 1000);
  const buckets = (client: string, t: number) => {
    let mine = clients.get(client);
    if (!mine) {
      // Forgetting full buckets keeps the map to the clients uploading now.
      if (clients.size > 10_000) for (const [k, b] of clients) if (t - b.at > 60_000) clients.delete(k);
      clients.set(client, (mine = { tokens: args.perClientPerMinute, at: t }));
    }
    refill(mine, args.perClientPerMinute, t);
    refill(all, args.perMinute, t);
    return mine;
  };
  const check = (client: string, bytes: number, spend: boolean): number | null => {
    const t = now();
    const mine = buckets(client, t);
    if (mine.tokens < bytes) return Math.max(1, wait(mine, args.perClientPerMinute, bytes));
    if (all.tokens < bytes) return Math.max(1, wait(all, args.perMinute, bytes));
    if (spend) {
      mine.tokens -= bytes;
      all.tokens -= bytes;
    }
    return null;
  };
  return { take: (client, bytes) => check(client, bytes, true), fits: (client, bytes) => check(client, bytes, false) };
}

/** No budget: RATE_LIMIT_PER_MINUTE=0. */
export const unlimitedBytes: ByteBudgets = { take: () => null, fits: () => null };
