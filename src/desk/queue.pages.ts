// The clerks' queue page: a to-do list with tabs and counts, filters, search, the view as a
// spreadsheet, and batch assignment (queue.service.ts).
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../common/errors.js';
import { dropEmpty, textField } from '../common/validation.js';
import { staffPage } from '../http/auth.js';
import { sendSpreadsheet } from '../http/files.js';
import { noticeOf, orRefusalPage, redirectWithNotice } from '../http/views.js';
import { CHANNEL_OPTIONS } from '../requests/application.form.js';
import type { Principal } from '../staff/principal.js';
import { listStaff } from '../staff/staff.repository.js';
import { STATE_LABELS } from '../workflow/labels.js';
import { CASE_STATES } from '../workflow/types.js';
import { assignMany, exportQueue, listCases, queueRowModel, queueTabs } from './queue.service.js';

function queueFilters(query: Record<string, unknown>, principal: Principal, staff: { id: number; name: string }[]) {
  const pick = (k: string) => textField(query, k);
  return {
    q: pick('q'),
    tab: pick('tab'),
    receivedFrom: pick('receivedFrom'),
    receivedTo: pick('receivedTo'),
    overdue: pick('overdue') === 'true',
    awaiting: [
      { value: 'sign_off', label: '待审签', selected: pick('awaiting') === 'sign_off' },
      { value: 'service', label: '送达待登记', selected: pick('awaiting') === 'service' },
    ],
    states: CASE_STATES.map((s) => ({ value: s, label: STATE_LABELS[s], selected: pick('state') === s })),
    channels: [...CHANNEL_OPTIONS, ['transfer', '其他机关转送'] as const].map(([value, label]) => ({ value, label, selected: pick('channel') === value })),
    assignees: [
      { value: 'me', label: '我承办的', selected: pick('assignee') === 'me' },
      ...staff.map((s) => ({ value: String(s.id), label: s.name, selected: pick('assignee') === String(s.id) })),
    ],
    isAdmin: principal.role === 'admin',
  };
}

export async function queuePages(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const staffOnlyPage = staffPage(ctx);

  app.get('/staff', { preHandler: staffOnlyPage }, async (request, reply) => {
    const principal = request.principal!;
    const given = request.query as Record<string, unknown>;
    // Open cases by default: a to-do list, not an archive.
    const filtered = ['tab', 'state', 'overdue', 'awaiting', 'q'].some((k) => textField(given, k));
    const query = filtered ? given : { ...given, tab: 'open' };
    let list: Awaited<ReturnType<typeof listCases>>;
    let error: string | null = null;
    try {
      list = await listCases(ctx, principal, query);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      error = '筛选条件有误，已显示全部申请。';
      list = await listCases(ctx, principal, {});
    }
    const staff = principal.agencyId ? (await listStaff(ctx.db, principal.agencyId)).map((s) => ({ id: s.id, name: s.name })) : [];
    const params = new URLSearchParams(Object.entries(dropEmpty(query) as Record<string, string>).filter(([k]) => k !== 'after' && k !== 'notice'));
    const viewParams = new URLSearchParams(params);
    if (list.nextCursor) params.set('after', list.nextCursor);
    const tab = textField(query, 'tab');
    const tabs = await queueTabs(ctx, principal, { agency: textField(query, 'agency') }).catch(() => []);
    // An administrator and an overseer are assigned nothing: no 我的待办.
    const shownTabs = tabs.filter((t) => t.key !== 'mine' || (principal.role !== 'admin' && principal.role !== 'overseer'));
    return reply.page('staff/queue', {
      title: '办理台',
      rows: list.items.map(queueRowModel),
      tabs: shownTabs.map((t) => ({ ...t, counted: t.count !== null, url: `/staff?tab=${t.key}`, current: t.key === tab })),
      exportUrl: `/staff/cases.xlsx?${viewParams}`,
      // Staff of an agency may give cases to a clerk, several at once.
      canAssign: Boolean(principal.agencyId) && principal.role !== 'overseer' && staff.length > 0,
      assignees: staff,
      returnTo: `/staff?${viewParams}`,
      filters: queueFilters(query, principal, staff),
      nextUrl: list.nextCursor ? `/staff?${params}` : null,
      firstUrl: query.after ? `/staff?${new URLSearchParams([...params].filter(([k]) => k !== 'after'))}` : null,
      error,
      notice: noticeOf(request),
    });
  });

  app.get('/staff/cases.xlsx', { preHandler: staffOnlyPage }, async (request, reply) =>
    orRefusalPage(reply, '无法导出', async () => sendSpreadsheet(reply, '申请清单.xlsx', await exportQueue(ctx, request.principal!, request.query))),
  );

  // Batch assignment from the queue: each case its own ASSIGN; those refused are listed with the reason.
  app.post('/staff/cases/assign', { preHandler: [staffOnlyPage, app.csrfProtection] }, async (request, reply) =>
    orRefusalPage(reply, '无法分办', async () => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const picked = body.trackingNumbers;
      const result = await assignMany(ctx, request.principal!, {
        trackingNumbers: picked === undefined ? [] : Array.isArray(picked) ? picked : [picked],
        assignee: body.assignee === '' ? undefined : body.assignee,
      });
      const back = safeReturnPath(body.returnTo);
      if (!result.refused.length) return redirectWithNotice(reply, back, 'assigned');
      return reply.status(409).page('error', {
        title: '部分申请未能分办',
        message: `已分办 ${result.assigned.length} 件；以下 ${result.refused.length} 件未分办：${result.refused.map((r) => `${r.trackingNumber}（${r.message}）`).join('；')}`,
      });
    }),
  );
}

/** Where a form brings the clerk back to: a path of the desk's queue, nothing else. */
function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/staff(\?[^#\\]*)?$/.test(value) && !value.startsWith('//') ? value : '/staff';
}
