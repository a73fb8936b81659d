import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../db/client.js';
import { rowOf } from '../db/rows.js';
import { agencies, agencySeals } from '../db/schema.js';

export type AgencyRow = typeof agencies.$inferSelect;

export async function listAgencies(db: Executor, options: { includeRetired?: boolean } = {}) {
  return db
    .select()
    .from(agencies)
    .where(options.includeRetired ? undefined : isNull(agencies.retiredAt))
    .orderBy(sql`${agencies.kind} = 'department'`, asc(agencies.id));
}

export async function findAgencyBySlug(db: Executor, slug: string, options: { includeRetired?: boolean } = {}): Promise<AgencyRow | null> {
  const [row] = await db
    .select()
    .from(agencies)
    .where(and(eq(agencies.slug, slug), options.includeRetired ? undefined : isNull(agencies.retiredAt)));
  return row ?? null;
}

/** The agencies (not retired) with these slugs, in one statement whose text is the same for any number of slugs (prepared once): read for every group of submissions. */
export async function findAgenciesBySlugs(db: Executor, slugs: string[]): Promise<AgencyRow[]> {
  if (!slugs.length) return [];
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select * from agencies where slug in (select jsonb_array_elements_text(${JSON.stringify(slugs)}::jsonb)) and retired_at is null`),
  );
  return rows.map((raw) => rowOf(agencies, raw));
}

export async function findAgencyById(db: Executor, id: number): Promise<AgencyRow | null> {
  const [row] = await db.select().from(agencies).where(eq(agencies.id, id));
  return row ?? null;
}

export async function countAgencies(db: Executor): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(agencies);
  return row?.n ?? 0;
}

export async function insertAgencies(db: Executor, rows: (typeof agencies.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(agencies).values(rows).onConflictDoNothing();
}

/** The agency's seal (PNG), or null: read only where a letter is laid out. */
export async function findAgencySeal(db: Executor, agencyId: number): Promise<Buffer | null> {
  const [row] = await db.select({ png: agencySeals.png }).from(agencySeals).where(eq(agencySeals.agencyId, agencyId));
  return row?.png ?? null;
}

export async function saveAgencySeal(db: Executor, agencyId: number, png: Buffer | null, at: Date): Promise<void> {
  if (!png) await db.delete(agencySeals).where(eq(agencySeals.agencyId, agencyId));
  else
    await db
      .insert(agencySeals)
      .values({ agencyId, png, updatedAt: at })
      .onConflictDoUpdate({ target: agencySeals.agencyId, set: { png, updatedAt: at } });
}
