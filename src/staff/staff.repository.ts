import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { agencies, sessions, staff } from '../db/schema.js';

export type StaffRow = typeof staff.$inferSelect;

export async function findStaffByEmail(db: Executor, email: string): Promise<StaffRow | null> {
  const [row] = await db.select().from(staff).where(eq(staff.email, email.toLowerCase()));
  return row ?? null;
}

export async function findStaffById(db: Executor, id: number): Promise<StaffRow | null> {
  const [row] = await db.select().from(staff).where(eq(staff.id, id));
  return row ?? null;
}

export async function insertStaff(db: Executor, values: typeof staff.$inferInsert): Promise<StaffRow> {
  const [row] = await db
    .insert(staff)
    .values({ ...values, email: values.email.toLowerCase() })
    .returning();
  return row!;
}

/** `changeRequired`: the password was given by someone else, and must be changed at the next sign-in. */
export async function setPasswordHash(db: Executor, id: number, passwordHash: string, changeRequired: boolean): Promise<void> {
  await db.update(staff).set({ passwordHash, passwordChangeRequired: changeRequired }).where(eq(staff.id, id));
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(staff)
    .where(and(eq(staff.role, 'admin'), isNull(staff.disabledAt)));
  return row?.n ?? 0;
}

export async function listStaff(db: Executor, agencyId?: number) {
  return db
    .select({
      id: staff.id,
      email: staff.email,
      name: staff.name,
      role: staff.role,
      agencyId: staff.agencyId,
      jurisdictionId: staff.jurisdictionId,
      agencySlug: agencies.slug,
      disabledAt: staff.disabledAt,
    })
    .from(staff)
    .leftJoin(agencies, eq(agencies.id, staff.agencyId))
    .where(agencyId === undefined ? undefined : eq(staff.agencyId, agencyId))
    .orderBy(staff.id);
}

export async function insertSession(db: Executor, values: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(values);
}

/** A session not past its end, of an account not disabled; a page session also used since `idleFrom`. */
export async function findLiveSession(db: Executor, tokenHash: string, now: Date, idleFrom: Date) {
  const [row] = await db
    .select({ session: sessions, staff })
    .from(sessions)
    .innerJoin(staff, eq(staff.id, sessions.staffId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), or(eq(sessions.kind, 'api'), gt(sessions.lastSeenAt, idleFrom)), isNull(staff.disabledAt)));
  return row ?? null;
}

export async function touchSession(db: Executor, tokenHash: string, now: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteSessionsOf(db: Executor, staffId: number, exceptTokenHash?: string): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.staffId, staffId), exceptTokenHash ? sql`${sessions.tokenHash} <> ${exceptTokenHash}` : undefined));
}

export async function updateStaffRow(db: Executor, id: number, values: Pick<typeof staff.$inferInsert, 'name' | 'role' | 'agencyId' | 'jurisdictionId'>): Promise<void> {
  await db.update(staff).set(values).where(eq(staff.id, id));
}

export async function setDisabled(db: Executor, id: number, disabledAt: Date | null): Promise<void> {
  await db.update(staff).set({ disabledAt }).where(eq(staff.id, id));
}

/** Sessions past their end, and page sessions unused since `idleFrom` (findLiveSession no longer finds them). */
export async function deleteEndedSessions(db: Executor, now: Date, idleFrom: Date): Promise<void> {
  await db.delete(sessions).where(or(lt(sessions.expiresAt, now), and(eq(sessions.kind, 'web'), lt(sessions.lastSeenAt, idleFrom))));
}
