import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { agencies, guideDrafts, guideVersions, type GuideData } from '../db/schema.js';
import { contactOf } from './guide.document.js';

export type GuideVersionRow = typeof guideVersions.$inferSelect;

export async function latestVersion(db: Executor, agencyId: number): Promise<GuideVersionRow | null> {
  const [row] = await db.select().from(guideVersions).where(eq(guideVersions.agencyId, agencyId)).orderBy(desc(guideVersions.version)).limit(1);
  return row ?? null;
}

export async function findVersion(db: Executor, agencyId: number, version: number): Promise<GuideVersionRow | null> {
  const [row] = await db
    .select()
    .from(guideVersions)
    .where(and(eq(guideVersions.agencyId, agencyId), eq(guideVersions.version, version)));
  return row ?? null;
}

export async function listVersions(db: Executor, agencyId: number) {
  return db
    .select({ version: guideVersions.version, publishedOn: guideVersions.publishedOn, publishedAt: guideVersions.publishedAt })
    .from(guideVersions)
    .where(eq(guideVersions.agencyId, agencyId))
    .orderBy(desc(guideVersions.version));
}

/** The latest published version of every agency's guide, for the district index. */
export async function latestPerAgency(db: Executor) {
  return db
    .select({ agencyId: guideVersions.agencyId, version: sql<number>`max(${guideVersions.version})::int`, publishedOn: sql<string>`max(${guideVersions.publishedOn})::text` })
    .from(guideVersions)
    .groupBy(guideVersions.agencyId);
}

export async function insertVersion(
  tx: Executor,
  values: { agencyId: number; data: GuideData; edition: number; publishedOn: string; publishedAt: Date; publishedBy: number | null },
): Promise<GuideVersionRow> {
  const [row] = await tx
    .insert(guideVersions)
    .values({ ...values, version: sql`(select coalesce(max(${guideVersions.version}), 0) + 1 from ${guideVersions} where ${guideVersions.agencyId} = ${values.agencyId})` })
    .returning();
  return row!;
}

export async function findDraft(db: Executor, agencyId: number) {
  const [row] = await db.select().from(guideDrafts).where(eq(guideDrafts.agencyId, agencyId));
  return row ?? null;
}

/** The draft, locked until the transaction ends: what is published is what is then deleted. */
export async function lockDraft(tx: Executor, agencyId: number) {
  const [row] = await tx.select().from(guideDrafts).where(eq(guideDrafts.agencyId, agencyId)).for('update');
  return row ?? null;
}

export async function saveDraft(db: Executor, values: { agencyId: number; data: GuideData; updatedAt: Date; updatedBy: number | null }): Promise<void> {
  await db
    .insert(guideDrafts)
    .values(values)
    .onConflictDoUpdate({ target: guideDrafts.agencyId, set: { data: values.data, updatedAt: values.updatedAt, updatedBy: values.updatedBy } });
}

export async function deleteDraft(db: Executor, agencyId: number): Promise<void> {
  await db.delete(guideDrafts).where(eq(guideDrafts.agencyId, agencyId));
}

/** The agency's contact columns mirror its latest published guide (letters and the directory read them). */
export async function mirrorContacts(tx: Executor, agencyId: number, data: GuideData, at: Date): Promise<void> {
  await tx
    .update(agencies)
    .set({
      ...contactOf(data),
      reviewBody: data.reviewBody,
      court: data.court,
      paymentInstructions: data.paymentInstructions ?? '',
      reviewOnline: data.reviewOnline ?? '',
      updatedAt: at,
    })
    .where(eq(agencies.id, agencyId));
}
