// Tracking numbers and letter numbers (文号): unique per agency and year, from database sequences
// (one per agency, year and series, created on first use). nextval takes no row lock and does not
// wait for a commit, so submissions to one agency do not queue behind each other. A transaction that
// fails leaves its number unused: numbers are unique, not gapless.
import { sql } from 'drizzle-orm';
import { rowsOf, type Database, type Tx } from '../db/client.js';

export type NumberSeries = 'tracking' | 'letter';

export function createNumbers(args: { autonomousDb: Database | null }) {
  const ready = new Set<string>();
  return {
    /**
     * On PostgreSQL the sequence is created and read on a pool of its own, outside the caller's
     * transaction (a failed statement there would abort it). PGlite runs one transaction at a time, so
     * there everything happens inside it, and the sequence is created (if need be) every time because
     * a rolled-back transaction takes its creation with it.
     */
    async draw(tx: Tx, n: { agencyId: number; year: number; series: NumberSeries }): Promise<number> {
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
      const [row] = rowsOf<{ n: number }>(await db.execute(sql.raw(`select nextval('${name}')::int as n`)));
      return row!.n;
    },
  };
}
export type Numbers = ReturnType<typeof createNumbers>;
