// The clerks' queue as a to-do list: tabs with counts (queue.repository.ts), filters, search, paging by
// due date, export of the view as a spreadsheet, and batch assignment. Read-only but for assignment,
// which goes through the workflow like any event.
import { z } from 'zod';
import { today } from '../calendar/clock.js';
import { isIsoDate, isoDateField } from '../calendar/dates.js';
import { addWorkingDays } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import { AppError, validationFailed } from '../common/errors.js';
import { xlsxOf } from '../common/spreadsheets.js';
import { dropEmpty, MAX_INTEGER, parseInput } from '../common/validation.js';
import { findAgencyBySlug } from '../agencies/agencies.repository.js';
import { maskName } from '../documents/documents.service.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { applyStaffEvent } from '../requests/workflow.service.js';
import { canReadAgency, type Principal } from '../staff/principal.js';
import { stateLabel } from '../workflow/labels.js';
import { CASE_STATES } from '../workflow/types.js';
import { workingDaysLeft } from './desk.service.js';
import { badgesOf, channelLabel } from './desk.view.js';
import { countTabs, listQueue, QUEUE_TABS, type QueueCursor, type QueueTab, type TabContext } from './queue.repository.js';

/** The queue's tabs as the desk names them (queue.repository.ts QUEUE_TABS says what each holds). */
export const QUEUE_TAB_LABELS: Record<QueueTab, string> = {
  open: '全部在办',
  unassigned: '待分办',
  mine: '我的待办',
  due_soon: '5个工作日内到期',
  overdue: '已超期',
  approval: '待审签',
  applicant: '等待申请人',
  closed: '已办结',
};

/** "Due soon": the answer is due within this many working days. */
export const DUE_SOON_WORKING_DAYS = 5;

export const queueQuery = z.object({
  state: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(z.array(z.enum(CASE_STATES))),
  agency: z.string().trim().optional(),
  tab: z.enum(QUEUE_TABS, { error: '不认识的分类' }).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  /** `sign_off`: the 待审签 list, decisions drafted and awaiting the office head (art. 17); `service`: 送达待登记, letters whose period waits for their service (docs/statute.md §6). */
  awaiting: z.enum(['sign_off', 'service'], { error: '不认识的筛选条件' }).optional(),
  // Numbers and dates the database can hold (a 500 otherwise): a staff id is an int4, a date a real day.
  assignee: z.union([z.literal('me'), z.coerce.number().int().positive().max(MAX_INTEGER)]).optional(),
  channel: z.string().trim().max(20).optional(),
  receivedFrom: isoDateField.optional(),
  receivedTo: isoDateField.optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().max(200).optional(),
});

function encodeCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify([c.dueOn, c.id])).toString('base64url');
}

function decodeCursor(text: string): QueueCursor {
  try {
    const [dueOn, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [unknown, unknown];
    // A real day and an id a bigint holds: a cursor is the client's to forge.
    if ((dueOn === null || isIsoDate(dueOn)) && Number.isSafeInteger(id) && (id as number) >= 0) {
      return { dueOn: dueOn as string | null, id: id as number };
    }
  } catch {
    // fall through
  }
  throw validationFailed({ after: '翻页参数无效' });
}

/**
 * The agencies whose queue the principal reads: an administrator's holds every agency's cases, an
 * overseer's those of the agencies it supervises; `agency` narrows it to one (null: one it may not read,
 * as invisible as a missing one).
 */
async function queueScope(ctx: AppContext, principal: Principal, agency: string | undefined): Promise<number[] | undefined | null> {
  const all = principal.role === 'admin' || principal.oversees === 'all' ? undefined : (principal.oversees ?? [principal.agencyId!]);
  if (!agency) return all;
  const row = await findAgencyBySlug(ctx.db, agency, { includeRetired: true });
  return row && canReadAgency(principal, row.id) ? [row.id] : null;
}

async function tabContextOf(ctx: AppContext, principal: Principal): Promise<TabContext> {
  const on = today(ctx.clock);
  const calendar = await ctx.calendar(ctx.db);
  return { on, soonBy: addWorkingDays({ from: on, days: DUE_SOON_WORKING_DAYS, calendar }).due, staffId: principal.id };
}

/** The tabs of the queue with how many cases each holds, for the principal's scope (or one agency of it). */
export async function queueTabs(ctx: AppContext, principal: Principal, query: unknown) {
  const q = parseInput(queueQuery.pick({ agency: true }), dropEmpty(query));
  const agencyIds = await queueScope(ctx, principal, q.agency);
  const counts = agencyIds === null ? null : await countTabs(ctx.db, { agencyIds, tabContext: await tabContextOf(ctx, principal) });
  return QUEUE_TABS.map((key) => ({ key, label: QUEUE_TAB_LABELS[key], count: key === 'closed' ? null : ((counts && counts[key]) ?? 0) }));
}

export async function listCases(ctx: AppContext, principal: Principal, query: unknown) {
  const q = parseInput(queueQuery, dropEmpty(query));
  const agencyIds = await queueScope(ctx, principal, q.agency);
  if (agencyIds === null) return { items: [], nextCursor: null };
  const on = today(ctx.clock);
  const rows = await listQueue(ctx.db, {
    filter: {
      agencyIds,
      tab: q.tab,
      tabContext: q.tab ? await tabContextOf(ctx, principal) : undefined,
      states: q.state,
      overdueOn: q.overdue === 'true' ? on : undefined,
      awaitingSignOff: q.awaiting === 'sign_off',
      awaitingService: q.awaiting === 'service',
      assigneeId: q.assignee === 'me' ? principal.id : q.assignee,
      channel: q.channel,
      receivedFrom: q.receivedFrom,
      receivedTo: q.receivedTo,
      search: q.q || undefined,
    },
    after: q.after ? decodeCursor(q.after) : null,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const calendar = await ctx.calendar(ctx.db);
  const last = page.at(-1);
  // An overseer supervises; it does not learn who applied (overseenApplicant).
  const overseer = principal.role === 'overseer';
  return {
    items: page.map(({ id: _id, ...r }) => ({
      ...r,
      applicantName: overseer ? maskName(r.applicantName) : r.applicantName,
      stateLabel: stateLabel(r.state),
      workingDaysLeft: r.state === 'received' || r.state === 'assigned' || r.state === 'overdue' ? workingDaysLeft({ dueOn: r.dueOn, on, calendar }) : null,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ dueOn: last.dueOn, id: last.id }) : null,
  };
}

/** The most rows one export holds: beyond, the desk asks for a narrower view. */
export const EXPORT_LIMIT = 5000;

/** The queue's current view (its filters and tab, every page) as a spreadsheet, as the desk shows it. */
export async function exportQueue(ctx: AppContext, principal: Principal, query: unknown): Promise<Buffer> {
  const { after: _after, limit: _limit, ...rest } = dropEmpty(query) as Record<string, unknown>;
  const list = await listCases(ctx, principal, { ...rest, limit: 200 });
  const rows: Awaited<ReturnType<typeof listCases>>['items'] = [...list.items];
  let cursor = list.nextCursor;
  while (cursor && rows.length <= EXPORT_LIMIT) {
    const next = await listCases(ctx, principal, { ...rest, limit: 200, after: cursor });
    rows.push(...next.items);
    cursor = next.nextCursor;
  }
  if (rows.length > EXPORT_LIMIT) throw validationFailed({ _: `当前视图超过 ${EXPORT_LIMIT} 件，请先缩小筛选范围（例如收到日期）再导出` });
  return xlsxOf([
    {
      name: '申请',
      columns: [
        { header: '申请编号', width: 18 },
        { header: '机关', width: 24 },
        { header: '申请人', width: 16 },
        { header: '内容摘要', width: 60 },
        { header: '渠道' },
        { header: '收到日期', width: 16 },
        { header: '答复期限', width: 16 },
        { header: '剩余工作日' },
        { header: '状态' },
        { header: '承办人' },
        { header: '待办事项', width: 16 },
      ],
      rows: rows.map((r) => [
        r.trackingNumber,
        r.agencyName,
        r.applicantName,
        r.description,
        channelLabel(r.channel),
        chineseDate(r.receivedOn),
        r.dueOn ? chineseDate(r.dueOn) : '',
        r.workingDaysLeft,
        r.stateLabel,
        r.assigneeName ?? '未分办',
        [r.pendingDraft ? '待审签' : '', r.awaitingService ? '送达待登记' : ''].filter(Boolean).join('、'),
      ]),
    },
  ]);
}

const assignmentInput = z.object({
  trackingNumbers: z.array(z.string().trim().min(1).max(40)).min(1, '请先勾选要分办的申请').max(200, '一次最多分办 200 件'),
  assignee: z.coerce.number({ error: '请选择承办人' }).int().positive().max(MAX_INTEGER),
});
export const assignmentSchema = assignmentInput;

/**
 * Gives several cases to one clerk, each as its own ASSIGN (its own transaction, timeline entry and
 * rule checks): one that cannot be assigned (another agency's, closed, changed meanwhile) is listed
 * with the reason and the others are still assigned.
 */
export async function assignMany(ctx: AppContext, principal: Principal, input: unknown) {
  const { trackingNumbers, assignee } = parseInput(assignmentInput, input);
  const assigned: string[] = [];
  const refused: { trackingNumber: string; message: string }[] = [];
  for (const tn of [...new Set(trackingNumbers.map((t) => t.toUpperCase()))]) {
    try {
      await applyStaffEvent(ctx, { trackingNumber: tn, principal, input: { type: 'ASSIGN', assignee } });
      assigned.push(tn);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      refused.push({ trackingNumber: tn, message: err.message });
    }
  }
  return { assigned, refused };
}

export function queueRowModel(r: {
  trackingNumber: string;
  state: string;
  stateLabel: string;
  channel: string;
  receivedOn: string;
  dueOn: string | null;
  dueProvisional: boolean;
  clockStopped: boolean;
  workingDaysLeft: number | null;
  applicantName: string;
  description: string;
  assigneeName: string | null;
  pendingDraft?: string | null;
  awaitingService?: string | null;
}) {
  return {
    ...r,
    awaitingSignOff: Boolean(r.pendingDraft),
    awaitingService: Boolean(r.awaitingService),
    receivedOnText: chineseDate(r.receivedOn),
    dueOnText: r.dueOn ? chineseDate(r.dueOn) : '—',
    leftText: r.workingDaysLeft === null ? '' : r.workingDaysLeft >= 0 ? `剩 ${r.workingDaysLeft} 个工作日` : `超期 ${-r.workingDaysLeft} 个工作日`,
    channelLabel: channelLabel(r.channel),
    badges: badgesOf(r),
    url: `/staff/cases/${r.trackingNumber}`,
  };
}
