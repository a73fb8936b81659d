// The attempt windows of attempt-windows.ts, in the database so that every instance counts alike.
import { and, eq, lt, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../db/client.js';
import { attemptWindows } from '../db/schema.js';
import { windowFrom, type AttemptScope, type AttemptWindow } from './attempt-windows.js';

/**
 * Counts one attempt, in one statement, so that attempts arriving together at several instances are
 * all counted: the window's count with this one, and when the window began (a window begun before
 * WINDOW_MINUTES ago is over, and this attempt begins a new one).
 */
export async function countAttempt(db: Executor, args: { scope: AttemptScope; key: string; now: Date }): Promise<AttemptWindow> {
  const at = args.now.toISOString();
  const current = sql`w.window_started_at > ${windowFrom(args.now).toISOString()}::timestamptz`;
  const [row] = rowsOf<{ attempts: number; started_ms: number }>(
    await db.execute(sql`
      insert into attempt_windows as w (scope, key, attempts, window_started_at) values (${args.scope}, ${args.key}, 1, ${at}::timestamptz)
      on conflict (scope, key) do update set
        attempts = case when ${current} then w.attempts + 1 else 1 end,
        window_started_at = case when ${current} then w.window_started_at else excluded.window_started_at end
      returning w.attempts, (extract(epoch from w.window_started_at) * 1000)::float8 as started_ms`),
  );
  return { attempts: Number(row!.attempts), windowStartedAt: new Date(Number(row!.started_ms)) };
}

/** The key's window as counted so far, if one is running. */
export async function findAttemptWindow(db: Executor, args: { scope: AttemptScope; key: string; now: Date }): Promise<AttemptWindow | null> {
  const [row] = await db
    .select({ attempts: attemptWindows.attempts, windowStartedAt: attemptWindows.windowStartedAt })
    .from(attemptWindows)
    .where(
      and(eq(attemptWindows.scope, args.scope), eq(attemptWindows.key, args.key), sql`${attemptWindows.windowStartedAt} > ${windowFrom(args.now).toISOString()}::timestamptz`),
    );
  return row ?? null;
}

export async function clearAttempts(db: Executor, args: { scope: AttemptScope; key: string }): Promise<void> {
  await db.delete(attemptWindows).where(and(eq(attemptWindows.scope, args.scope), eq(attemptWindows.key, args.key)));
}

/** Windows that are over count for nothing: deleted with the timers. */
export async function deleteEndedWindows(db: Executor, now: Date): Promise<void> {
  await db.delete(attemptWindows).where(lt(attemptWindows.windowStartedAt, windowFrom(now)));
}
