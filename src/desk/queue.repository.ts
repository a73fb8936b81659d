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

/**
 * `state in (…)` with the states written into the statement, not sent as parameters: the partial
 * indexes (cases_open_idx, cases_closed_due_idx) match only a condition the planner can read, and a
 * prepared statement's generic plan cannot read parameters.
 */
function stateIn(states: readonly CaseState[]): SQL {
  return sql`${cases.state} in (${sql.raw(states.map((s) => `'${s.replace(/'/g, "''")}'`).join(', '))})`;
}

const isOpen = stateIn(OPEN_STATES);
/** The condition of a tab; every tab but 已办结 holds open cases only, and says so for the planner (cases_open_idx). */
export function tabCondition(tab: QueueTab, c: TabContext): SQL {
  if (tab === 'closed') return stateIn(CLOSED);
  return and(isOpen, openTabCondition(tab, c))!;
}

function openTabCondition(tab: Exclude<QueueTab, 'closed'>, c: TabContext): SQL | undefined {
  switch (tab) {
    case 'open':
      return undefined;
    case 'unassigned':
      return stateIn(['received']);
    case 'mine':
      return eq(cases.assigneeId, c.staffId);
    case 'due_soon':
      return and(stateIn(RUNNING), gte(cases.dueOn, c.on), lte(cases.dueOn, c.soonBy));
    case 'overdue':
      return or(stateIn(['overdue']), and(stateIn(RUNNING), lt(cases.dueOn, c.on)));
    case 'approval':
      return or(isNotNull(cases.pendingDraft), sql`${cases.extensionAsked}`);
    case 'applicant':
      return or(stateIn(['awaiting_correction', 'awaiting_payment']), sql`${cases.reasonsAsked}`);
  }
}

function agencyCondition(agencyIds: number[] | undefined): SQL | undefined {
  if (agencyIds === undefined) return undefined;
  return agencyIds.length === 1 ? eq(cases.agencyId, agencyIds[0]!) : inArray(cases.agencyId, agencyIds.length ? agencyIds : [-1]);
}

/**
 * How many cases each open tab holds, in one pass over the scope's open cases (cases_open_idx). 已办结
 * is an archive, not a to-do: it is not counted (a count of every case ever closed would read them all).
 */
export async function countTabs(db: Executor, args: { agencyIds?: number[]; tabContext: TabContext }): Promise<Record<Exclude<QueueTab, 'closed'>, number>> {
  const tabs = QUEUE_TABS.filter((t) => t !== 'closed' && t !== 'open');
  const [row] = await db
    .select({
      open: sql<number>`count(*)::int`,
      ...Object.fromEntries(tabs.map((t) => [t, sql<number>`(count(*) filter (where ${openTabCondition(t, args.tabContext)}))::int`])),
    })
    .from(cases)
    .where(and(agencyCondition(args.agencyIds), isOpen));
  return row as unknown as Record<Exclude<QueueTab, 'closed'>, number>;
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
