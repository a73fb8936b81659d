// The official schedules in the database, and the Calendar built from them.
import { asc, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../db/client.js';
import { calendarYears } from '../db/schema.js';
import { OFFICIAL_SCHEDULES } from './official-schedules.js';
import { buildCalendar, type Calendar, type YearSchedule } from './working-days.js';

export async function listYears(db: Executor) {
  return db.select().from(calendarYears).orderBy(asc(calendarYears.year));
}

/** First start: the notices we know of (2024–2026). Years an administrator already loaded are kept. */
export async function seedOfficialSchedules(db: Executor): Promise<void> {
  await db
    .insert(calendarYears)
    .values(OFFICIAL_SCHEDULES.map((s) => ({ year: s.year, holidays: [...s.holidays], workdays: [...s.workdays] })))
    .onConflictDoNothing();
}

export async function upsertYear(db: Executor, args: { schedule: YearSchedule; staffId: number | null; at: Date }): Promise<void> {
  const { schedule } = args;
  const values = { holidays: [...schedule.holidays].sort(), workdays: [...schedule.workdays].sort(), updatedAt: args.at, updatedBy: args.staffId };
  await db
    .insert(calendarYears)
    .values({ year: schedule.year, ...values })
    .onConflictDoUpdate({ target: calendarYears.year, set: values });
}

// Art. 33 counts working days by the official schedules, so a case's due date depends on them. A
// transaction that files a new case holds the schedules (shared) before it reads them; loading a year
// takes them exclusively before it writes, then recomputes the open cases. A case filed meanwhile is
// therefore either among those recomputed or computed with the new schedule, never left with the old
// one. Cases that already exist need no such lock: both sides lock the case row.
const SCHEDULES_LOCK = 4_242_033;

/** Call first in a transaction that files a case, before reading the calendar. */
export async function holdSchedules(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${SCHEDULES_LOCK})`);
}

/** Call first in a transaction that changes a schedule: waits for filings under way, holds off new ones. */
export async function lockSchedulesForChange(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SCHEDULES_LOCK})`);
}

/**
 * Builds the Calendar from the database, reusing the last one while no year has changed, so the
 * workflow machine built for it is reused too. One per app instance; other instances' changes show
 * up on their next load because the fingerprint is read every time.
 */
export function calendarCache() {
  let cached: { fingerprint: string; calendar: Calendar } | null = null;
  return async function load(db: Executor): Promise<Calendar> {
    const [row] = await db
      .select({
        fingerprint: sql<string>`coalesce(string_agg(${calendarYears.year} || ':' || extract(epoch from ${calendarYears.updatedAt}), ',' order by ${calendarYears.year}), '')`,
      })
      .from(calendarYears);
    const fingerprint = row?.fingerprint ?? '';
    if (cached?.fingerprint === fingerprint) return cached.calendar;
    const years = await listYears(db);
    const calendar = buildCalendar(years.map((y) => ({ year: y.year, holidays: y.holidays, workdays: y.workdays })));
    cached = { fingerprint, calendar };
    return calendar;
  };
}
export type CalendarLoader = ReturnType<typeof calendarCache>;
