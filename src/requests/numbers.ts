// Tracking numbers and letter numbers (文号): unique per agency and year, from database sequences
// (one per agency, year and series, created on first use). nextval takes no row lock and does not
// wait for a commit, so submissions to one agency do not queue behind each other. A transaction that
// fails leaves its number unused: numbers are unique, not gapless.
import { sql } from 'drizzle-orm';
import { rowsOf, type Database, type Tx } from '../db/client.js';

/** `catalogue`: the 索引号 of items published to the reading room (政府信息公开目录). */
export type NumberSeries = 'tracking' | 'letter' | 'catalogue';
/** Who a number is for: a series of an agency in a year. */
export type NumberOwner = { series: NumberSeries; agencyId: number; year: number };

export function createNumbers(args: { autonomousDb: Database | null }) {
  const ready = new Set<string>();
  /**
   * Creates the sequences not known to exist. On PostgreSQL they are created and read on a pool of
   * their own, outside the caller's transaction (a failed statement there would abort it). PGlite runs
   * one transaction at a time, so there everything happens inside it, and the sequences are created
   * (if need be) every time because a rolled-back transaction takes their creation with it.
   */
  async function ensure(db: Database | Tx, names: string[]): Promise<void> {
    await Promise.all(
      names
        .filter((name) => !args.autonomousDb || !ready.has(name))
        .map(async (name) => {
          await db.execute(sql.raw(`create sequence if not exists ${name}`)).catch((err: unknown) => {
            // Two instances creating it at the same moment: the other one won, which is fine.
            const code = (err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code;
            if (code !== '23505' && code !== '42P07') throw err;
          });
          ready.add(name);
        }),
    );
  }
  return {
    /** One number for each of `owners`, in their order, increasing within a series; one statement for all of them. */
    async drawEach(tx: Tx, owners: NumberOwner[]): Promise<number[]> {
      if (!owners.length) return [];
      const names = owners.map((o) => `ogi_${o.series}_${Math.trunc(o.agencyId)}_${Math.trunc(o.year)}`);
      const counts = new Map<string, number>();
      for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
      const db = args.autonomousDb ?? tx;
      await ensure(db, [...counts.keys()]);
      const rows = rowsOf<{ name: string; n: number }>(
        await db.execute(sql`
          select t.name, nextval(t.name::regclass)::int as n
          from jsonb_to_recordset(${JSON.stringify([...counts].map(([name, count]) => ({ name, count })))}::jsonb) as t(name text, count int),
               generate_series(1, t.count)`),
      );
      const drawn = new Map<string, number[]>([...counts.keys()].map((name) => [name, []]));
      for (const r of rows) drawn.get(r.name)!.push(r.n);
      for (const list of drawn.values()) list.sort((a, b) => a - b);
      return names.map((name) => drawn.get(name)!.shift()!);
    },
  };
}
export type Numbers = ReturnType<typeof createNumbers>;
