import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { agencies, jurisdictions } from '../db/schema.js';
import type { JurisdictionRow } from './jurisdictions.js';

export async function listJurisdictions(db: Executor): Promise<JurisdictionRow[]> {
  return db.select().from(jurisdictions).orderBy(jurisdictions.id);
}

/** Each agency's jurisdiction, for the tree kept in memory. */
export async function listAgencyJurisdictions(db: Executor): Promise<{ id: number; jurisdictionId: number }[]> {
  return db.select({ id: agencies.id, jurisdictionId: agencies.jurisdictionId }).from(agencies);
}

export async function insertJurisdiction(db: Executor, values: typeof jurisdictions.$inferInsert): Promise<JurisdictionRow> {
  const [row] = await db.insert(jurisdictions).values(values).returning();
  return row!;
}

export async function updateJurisdiction(db: Executor, id: number, values: Partial<typeof jurisdictions.$inferInsert>): Promise<void> {
  await db.update(jurisdictions).set(values).where(eq(jurisdictions.id, id));
}
