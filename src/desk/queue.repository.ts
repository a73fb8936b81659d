// The clerks' queue: filtered, keyset-paginated by (due date, id), nulls (no running deadline) last.
import { and, asc, eq, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { agencies, cases, staff } from '../db/schema.js';
import { OPEN_STATES, type CaseState } from '../workflow/types.js';

export type QueueFilter = {
  /** The agencies whose cases are listed (undefined: every agency). */
  agencyIds?: number[];
  states?: CaseState[];
  overdueOn?: string;
  /** Art. 17: a decision drafted and awaiting sign-off. */
  awaitingSignOff?: boolean;
  /** docs/statute.md §6: an open period whose letter's service is not recorded. */
  awaitingService?: boolean;
  assigneeId?: number;
  channel?: string;
  receivedFrom?: string;
  receivedTo?: string;
  search?: string;
};
export type QueueCursor = { dueOn: string | null; id: number };

const RUNNING: CaseState[] = ['received', 'assigned'];

export async function listQueue(db: Executor, args: { filter: QueueFilter; after: QueueCursor | null; limit: number }) {
  const { filter, after } = args;
  const conditions: (SQL | undefined)[] = [
    filter.agencyIds === undefined
      ? undefined
      : filter.agencyIds.length === 1
        ? eq(cases.agencyId, filter.agencyIds[0]!)
        : inArray(cases.agencyId, filter.agencyIds.length ? filter.agencyIds : [-1]),
    filter.states?.length ? inArray(cases.state, filter.states) : undefined,
    filter.assigneeId !== undefined ? eq(cases.assigneeId, filter.assigneeId) : undefined,
    filter.awaitingSignOff ? isNotNull(cases.pendingDraft) : undefined,
    filter.awaitingService ? isNotNull(cases.awaitingService) : undefined,
    filter.channel ? eq(cases.channel, filter.channel) : undefined,
    filter.receivedFrom ? sql`${cases.receivedOn} >= ${filter.receivedFrom}` : undefined,
    filter.receivedTo ? sql`${cases.receivedOn} <= ${filter.receivedTo}` : undefined,
    // Overdue: marked so by the sweeper, or past due and not yet swept.
    filter.overdueOn ? or(eq(cases.state, 'overdue'), and(inArray(cases.state, RUNNING), lt(cases.dueOn, filter.overdueOn))) : undefined,
    filter.search
      ? or(
          eq(cases.trackingNumber, filter.search.toUpperCase()),
          sql`${cases.applicantName} ilike ${`%${escapeLike(filter.search)}%`}`,
          sql`${cases.description} ilike ${`%${escapeLike(filter.search)}%`}`,
        )
      : undefined,
    after === null
      ? undefined
      : after.dueOn === null
        ? and(isNull(cases.dueOn), sql`${cases.id} > ${after.id}`)
        : or(sql`(${cases.dueOn}, ${cases.id}) > (${after.dueOn}::date, ${after.id})`, isNull(cases.dueOn)),
  ];
  return db
    .select({
      id: cases.id,
      trackingNumber: cases.trackingNumber,
      state: cases.state,
      channel: cases.channel,
      receivedOn: cases.receivedOn,
      dueOn: cases.dueOn,
      dueProvisional: cases.dueProvisional,
      clockStopped: cases.clockStopped,
      applicantName: cases.applicantName,
      description: sql<string>`left(${cases.description}, 120)`,
      agencySlug: agencies.slug,
      agencyName: agencies.name,
      assigneeId: cases.assigneeId,
      assigneeName: staff.name,
      version: cases.version,
      pendingDraft: cases.pendingDraft,
      awaitingService: cases.awaitingService,
    })
    .from(cases)
    .innerJoin(agencies, eq(agencies.id, cases.agencyId))
    .leftJoin(staff, eq(staff.id, cases.assigneeId))
    .where(and(...conditions))
    .orderBy(sql`${cases.dueOn} asc nulls last`, asc(cases.id))
    .limit(args.limit);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Open cases with a deadline counted into a year whose official schedule is not loaded yet (weekends only). */
export async function countOpenProvisional(db: Executor): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(cases)
    .where(and(inArray(cases.state, [...OPEN_STATES]), eq(cases.dueProvisional, true)));
  return row?.n ?? 0;
}
