// The clerks' queue: filtered, keyset-paginated by (due date, id), nulls (no running deadline) last.
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { matchesWords } from '../common/bigram-search.js';
import type { Executor } from '../db/client.js';
import { agencies, cases, staff } from '../db/schema.js';
import { OPEN_STATES, type CaseState } from '../workflow/types.js';

/**
 * The queue's tabs, a to-do list: 在办 (every open case), 待分办 (not yet given to a clerk), 我的待办,
 * 即将到期 (due within the next working days), 已超期, 待审签 (drafts and extension requests awaiting
 * the office head, art. 17 and art. 33), 等待申请人 (correction, payment, reasons), 已办结.
 */
export const QUEUE_TABS = ['open', 'unassigned', 'mine', 'due_soon', 'overdue', 'approval', 'applicant', 'closed'] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

/** What a tab's condition needs to know: today, the last day that counts as "due soon", who asks. */
export type TabContext = { on: string; soonBy: string; staffId: number };

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
  tab?: QueueTab;
  tabContext?: TabContext;
};
export type QueueCursor = { dueOn: string | null; id: number };

const RUNNING: CaseState[] = ['received', 'assigned'];
const CLOSED: CaseState[] = ['answered', 'closed'];

const isOpen = inArray(cases.state, [...OPEN_STATES]);
// Art. 33: a clerk asked for an extension and the office head has not yet decided.
const extensionAsked = sql`jsonb_typeof(${cases.snapshot} #> '{context,extensionRequest}') = 'object'`;
// The applicant was asked for reasons (art. 35) and has not replied.
const reasonsAsked = sql`(jsonb_typeof(${cases.snapshot} #> '{context,reasonsRequest}') = 'object' and ${cases.snapshot} #>> '{context,reasonsRequest,repliedOn}' is null)`;

/** The condition of a tab; every tab but 已办结 holds open cases only. */
export function tabCondition(tab: QueueTab, c: TabContext): SQL {
  switch (tab) {
    case 'open':
      return isOpen;
    case 'unassigned':
      return eq(cases.state, 'received');
    case 'mine':
      return and(isOpen, eq(cases.assigneeId, c.staffId))!;
    case 'due_soon':
      return and(inArray(cases.state, RUNNING), gte(cases.dueOn, c.on), lte(cases.dueOn, c.soonBy))!;
    case 'overdue':
      return or(eq(cases.state, 'overdue'), and(inArray(cases.state, RUNNING), lt(cases.dueOn, c.on)))!;
    case 'approval':
      return and(isOpen, or(isNotNull(cases.pendingDraft), extensionAsked))!;
    case 'applicant':
      return or(inArray(cases.state, ['awaiting_correction', 'awaiting_payment']), and(isOpen, reasonsAsked))!;
    case 'closed':
      return inArray(cases.state, CLOSED);
  }
}

function agencyCondition(agencyIds: number[] | undefined): SQL | undefined {
  if (agencyIds === undefined) return undefined;
  return agencyIds.length === 1 ? eq(cases.agencyId, agencyIds[0]!) : inArray(cases.agencyId, agencyIds.length ? agencyIds : [-1]);
}

/** How many cases each tab holds, in one pass over the scope's open cases and one count of the rest. */
export async function countTabs(db: Executor, args: { agencyIds?: number[]; tabContext: TabContext }): Promise<Record<QueueTab, number>> {
  const open = QUEUE_TABS.filter((t) => t !== 'closed' && t !== 'open');
  const [row] = await db
    .select({
      open: sql<number>`count(*)::int`,
      ...Object.fromEntries(open.map((t) => [t, sql<number>`(count(*) filter (where ${tabCondition(t, args.tabContext)}))::int`])),
    })
    .from(cases)
    .where(and(agencyCondition(args.agencyIds), isOpen));
  const [all] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(cases)
    .where(agencyCondition(args.agencyIds));
  const counts = row as unknown as Record<QueueTab, number>;
  return { ...counts, closed: (all?.n ?? 0) - counts.open };
}

export async function listQueue(db: Executor, args: { filter: QueueFilter; after: QueueCursor | null; limit: number }) {
  const { filter, after } = args;
  const conditions: (SQL | undefined)[] = [
    agencyCondition(filter.agencyIds),
    filter.tab && filter.tabContext ? tabCondition(filter.tab, filter.tabContext) : undefined,
    filter.states?.length ? inArray(cases.state, filter.states) : undefined,
    filter.assigneeId !== undefined ? eq(cases.assigneeId, filter.assigneeId) : undefined,
    filter.awaitingSignOff ? isNotNull(cases.pendingDraft) : undefined,
    filter.awaitingService ? isNotNull(cases.awaitingService) : undefined,
    filter.channel ? eq(cases.channel, filter.channel) : undefined,
    filter.receivedFrom ? sql`${cases.receivedOn} >= ${filter.receivedFrom}` : undefined,
    filter.receivedTo ? sql`${cases.receivedOn} <= ${filter.receivedTo}` : undefined,
    // Overdue: marked so by the sweeper, or past due and not yet swept.
    filter.overdueOn ? or(eq(cases.state, 'overdue'), and(inArray(cases.state, RUNNING), lt(cases.dueOn, filter.overdueOn))) : undefined,
    // Any part of the tracking number, the applicant's name, words of the description (bigrams, migration 0022).
    filter.search
      ? matchesWords({
          q: filter.search,
          bigrams: (query) => sql`${cases.id} in (select case_id from case_search where bigrams @> ${query})`,
          text: sql`(${cases.trackingNumber} || ' ' || ${cases.applicantName} || ' ' || ${cases.description})`,
        })
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

/** Open cases with a deadline counted into a year whose official schedule is not loaded yet (weekends only). */
export async function countOpenProvisional(db: Executor): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(cases)
    .where(and(inArray(cases.state, [...OPEN_STATES]), eq(cases.dueProvisional, true)));
  return row?.n ?? 0;
}
