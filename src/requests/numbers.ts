// Tracking numbers and letter numbers (文号): unique per agency and year, from database sequences
// (one per agency, year and series, created on first use). nextval takes no row lock and does not
// wait for a commit, so submissions to one agency do not queue behind each other. A transaction that
// fails leaves its number unused: numbers are unique, not gapless.
import { sql } from 'drizzle-orm';
import { rowsOf, type Database, type Tx } from '../db/client.js';

export type NumberSeries = 'tracking' | 'letter';

export function createNumbers(args: { autonomousDb: Database | null }) {
  const ready = new Set<string>();
  /**
   * `count` numbers of one series in one statement, in increasing order. On PostgreSQL the sequence is
   * created and read on a pool of its own, outside the caller's transaction (a failed statement there
   * would abort it). PGlite runs one transaction at a time, so there everything happens inside it, and
   * the sequence is created (if need be) every time because a rolled-back transaction takes its
   * creation with it.
   */
  async function drawMany(tx: Tx, n: { agencyId: number; year: number; series: NumberSeries; count: number }): Promise<number[]> {
    if (n.count < 1) return [];
    const name = `ogi_${n.series}_${Math.trunc(n.agencyId)}_${Math.trunc(n.year)}`;
    const db = args.autonomousDb ?? tx;
    if (!args.autonomousDb || !ready.has(name)) {
      await db.execute(sql.raw(`create sequence if not exists ${name}`)).catch((err: unknown) => {
        // Two instances creating it at the same moment: the other one won, which is fine.
        const code = (err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code;
        if (code !== '23505' && code !== '42P07') throw err;
      });
      ready.add(name);
    }
    const rows = rowsOf<{ n: number }>(await db.execute(sql`${sql.raw(`select nextval('${name}')::int as n from generate_series(1, `)}${Math.trunc(n.count)}::int)`));
    return rows.map((r) => r.n).sort((a, b) => a - b);
  }
  return {
    /** One number for each of `owners`, in their order; one statement per agency and year among them. */
    async drawEach(tx: Tx, series: NumberSeries, owners: { agencyId: number; year: number }[]): Promise<number[]> {
      const drawn = new Map<string, { agencyId: number; year: number; count: number; numbers: number[] }>();
      for (const o of owners) {
        const key = `${o.agencyId}:${o.year}`;
        const group = drawn.get(key) ?? { ...o, count: 0, numbers: [] };
        group.count += 1;
        drawn.set(key, group);
      }
      for (const g of drawn.values()) g.numbers = await drawMany(tx, { agencyId: g.agencyId, year: g.year, series, count: g.count });
      return owners.map((o) => drawn.get(`${o.agencyId}:${o.year}`)!.numbers.shift()!);
    },
  };
}
export type Numbers = ReturnType<typeof createNumbers>;
