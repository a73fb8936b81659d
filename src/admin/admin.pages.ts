// Administration pages: agencies (create, edit, retire), their guides (draft, preview, publish),
// staff accounts and roles, the holiday calendar per year, and the mail queue.
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { findAgencySeal, listAgencies } from '../agencies/agencies.repository.js';
import { createAgency, setAgencyRetired, updateAgency } from '../agencies/agencies.service.js';
import { listYears } from '../calendar/calendar.repository.js';
import { loadYear, scheduleNotice } from '../calendar/calendar.service.js';
import { addDays, compareDates, isIsoDate } from '../calendar/dates.js';
import { GUIDE_FIELDS } from '../guide/guide.defaults.js';
import { guideDraft, previewGuide, publishGuide, saveGuideDraft } from '../guide/guide.service.js';
import { listVersions } from '../guide/guide.repository.js';
import { staffPage } from '../http/auth.js';
import { errorList, fieldModel } from '../http/forms.js';
import { noticeOf, orRefusalPage, redirectWithNotice, refusalOf } from '../http/views.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { createStaff, resetStaffPassword, setStaffDisabled } from '../staff/auth.service.js';
import { listStaff } from '../staff/staff.repository.js';
import { timerCounts } from '../timers/timers.repository.js';
import { outboxOverview, retryOutboxMail } from './queues.routes.js';

type Slug = { Params: { slug: string } };

const AGENCY_LABELS: Record<string, string> = {
  slug: '网址标识',
  code: '申请编号前缀',
  name: '机关全称',
  shortName: '文号简称',
  kind: '机关类型',
  jurisdiction: '所属行政区划',
  parentAgency: '上级机关',
  officeName: '政府信息公开工作机构',
  address: '办公地址',
  postcode: '邮政编码',
  officeHours: '办公时间',
  phone: '联系电话',
  fax: '传真号码',
  email: '电子邮箱',
  website: '网站',
  reviewBody: '行政复议机关',
  court: '行政诉讼管辖法院',
};
const KINDS = [
  ['department', '政府工作部门'],
  ['government', '人民政府（办公室）'],
] as const;

/** Dates one per line, or ranges written 2027-02-05..2027-02-11. */
export function expandDateLines(text: string): { dates: string[]; bad: string | null } {
  const dates: string[] = [];
  for (const raw of text.split(/[\r\n,，]+/)) {
    const line = raw.trim();
    if (!line) continue;
    const [from, to] = line.split(/\s*(?:\.\.|至|~)\s*/);
    if (!isIsoDate(from) || (to !== undefined && !isIsoDate(to))) return { dates, bad: line };
    if (to === undefined) dates.push(from);
    else {
      if (compareDates(from, to) > 0 || dates.length > 400) return { dates, bad: line };
      for (let d = from; compareDates(d, to) <= 0; d = addDays(d, 1)) dates.push(d);
    }
  }
  return { dates, bad: null };
}

export async function adminPages(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const admin = staffPage(ctx, ['admin']);
  const post = { preHandler: [admin, app.csrfProtection] };

  app.get('/admin', { preHandler: admin }, async (request, reply) => {
    const [outbox, timers, agencies, schedule] = await Promise.all([
      outboxOverview(ctx, { limit: 1 }),
      timerCounts(ctx.db, ctx.clock.now()),
      listAgencies(ctx.db),
      scheduleNotice(ctx),
    ]);
    return reply.page('admin/index', {
      title: '管理',
      counts: outbox.counts,
      timers,
      agencyCount: agencies.length,
      jurisdictionCount: (await ctx.jurisdictions.current()).rows.length,
      notice: noticeOf(request),
      idNumbersUnsealed: ctx.personalDataKey === null,
      schedule,
    });
  });

  // Agencies
  const agencyForm = async (reply: FastifyReply, values: Record<string, unknown>, errors: Record<string, string>, status = 200, slug?: string) => {
    const [tree, agencies] = await Promise.all([ctx.jurisdictions.current(), listAgencies(ctx.db)]);
    // Where the installation serves one jurisdiction it is the one; otherwise the administrator chooses (nothing preselected).
    const choices: Record<string, readonly (readonly [string, string])[]> = {
      kind: KINDS,
      jurisdiction: tree.rows.map((j) => [j.code, j.name] as const),
      parentAgency: agencies.filter((a) => a.kind === 'department').map((a) => [a.slug, a.name] as const),
    };
    if (tree.rows.length === 1 && !values.jurisdiction) values = { ...values, jurisdiction: tree.rows[0]!.code };
    const f = (path: string) => fieldModel({ values, errors, path, options: choices[path] });
    return reply.status(status).page('admin/agency', {
      title: slug ? '编辑机关' : '新增机关',
      slug,
      hasSeal: Boolean(values.hasSeal),
      secrecyReview: values.secrecyReview === true || values.secrecyReview === '1',
      secondSigner: values.secondSigner === true || values.secondSigner === '1',
      errors: Object.keys(errors).length ? errors : null,
      errorList: errorList(errors, AGENCY_LABELS),
      fields: Object.fromEntries(Object.keys(AGENCY_LABELS).map((k) => [k, f(k)])),
    });
  };
  app.get('/admin/agencies', { preHandler: admin }, async (request, reply) => {
    const [all, tree] = await Promise.all([listAgencies(ctx.db, { includeRetired: true }), ctx.jurisdictions.current()]);
    return reply.page('admin/agencies', {
      title: '机关管理',
      agencies: all.map((a) => ({ ...a, jurisdictionName: tree.byId(a.jurisdictionId)?.name ?? '', retired: Boolean(a.retiredAt) })),
      notice: noticeOf(request),
    });
  });
  app.get('/admin/agencies/new', { preHandler: admin }, async (_request, reply) => agencyForm(reply, { kind: 'department' }, {}));
  app.post('/admin/agencies', post, async (request, reply) => {
    try {
      const slug = await createAgency(ctx, request.principal!, request.body);
      return redirectWithNotice(reply, `/admin/agencies/${slug}/guide`, 'saved');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return agencyForm(reply, request.body as Record<string, unknown>, body.fields ?? { _: body.message }, status);
    }
  });
  app.get<Slug>('/admin/agencies/:slug', { preHandler: admin }, async (request, reply) => {
    const all = await listAgencies(ctx.db, { includeRetired: true });
    const agency = all.find((a) => a.slug === request.params.slug);
    if (!agency) return reply.callNotFound();
    const hasSeal = Boolean(await findAgencySeal(ctx.db, agency.id));
    return agencyForm(reply, { ...agency, hasSeal } as unknown as Record<string, unknown>, {}, 200, agency.slug);
  });
  app.post<Slug>('/admin/agencies/:slug', post, async (request, reply) => {
    try {
      await updateAgency(ctx, request.params.slug, request.body);
      return redirectWithNotice(reply, '/admin/agencies', 'saved');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return agencyForm(reply, request.body as Record<string, unknown>, body.fields ?? { _: body.message }, status, request.params.slug);
    }
  });
  app.post<Slug & { Body: { retired?: string } }>('/admin/agencies/:slug/retire', post, async (request, reply) => {
    await setAgencyRetired(ctx, request.params.slug, request.body.retired === '1');
    return redirectWithNotice(reply, '/admin/agencies', 'saved');
  });

  // Guides: edit the draft, preview, publish.
  const guideForm = async (reply: FastifyReply, slug: string, override?: { values: Record<string, unknown>; errors: Record<string, string>; status: number }) => {
    const draft = await guideDraft(ctx, slug);
    const values = override?.values ?? draft.data;
    const errors = override?.errors ?? {};
    const versions = await listVersions(ctx.db, draft.agency.id);
    return reply.status(override?.status ?? 200).page('admin/guide-editor', {
      title: `编辑${draft.agency.name}政府信息公开指南`,
      agency: draft.agency,
      hasDraft: draft.hasDraft,
      errors: Object.keys(errors).length ? errors : null,
      errorList: errorList(errors, Object.fromEntries(GUIDE_FIELDS.map((f) => [f.key, f.label]))),
      fields: GUIDE_FIELDS.map((f) => ({ ...fieldModel({ values, errors, path: f.key }), label: f.label, multiline: f.multiline ?? false, optional: f.optional ?? false })),
      versions: versions.map((v) => ({ ...v, publishedOnText: chineseDate(v.publishedOn) })),
    });
  };
  app.get<Slug>('/admin/agencies/:slug/guide', { preHandler: admin }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return guideForm(reply, request.params.slug);
  });
  app.post<Slug>('/admin/agencies/:slug/guide', post, async (request, reply) => {
    try {
      await saveGuideDraft(ctx, request.principal!, request.params.slug, request.body);
      return redirectWithNotice(reply, `/admin/agencies/${request.params.slug}/guide/preview`, 'saved');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return guideForm(reply, request.params.slug, { values: request.body as Record<string, unknown>, errors: body.fields ?? { _: body.message }, status });
    }
  });
  app.get<Slug>('/admin/agencies/:slug/guide/preview', { preHandler: admin }, async (request, reply) => {
    const draft = await guideDraft(ctx, request.params.slug);
    return reply.page('admin/guide-preview', {
      title: '预览政府信息公开指南',
      guide: await previewGuide(ctx, draft.agency, draft.data),
      hasDraft: draft.hasDraft,
      notice: noticeOf(request),
    });
  });
  app.post<Slug>('/admin/agencies/:slug/guide/publish', post, async (request, reply) => {
    return orRefusalPage(reply, '无法发布', async () => {
      await publishGuide(ctx, request.principal!, request.params.slug);
      return redirectWithNotice(reply, `/guide/${request.params.slug}`, 'published');
    });
  });

  // Staff accounts
  type StaffPage = {
    values?: Record<string, unknown>;
    errors?: Record<string, string>;
    status?: number;
    notice?: string | null;
    /** A password just reset, shown this once. */
    reset?: Awaited<ReturnType<typeof resetStaffPassword>> | null;
  };
  const staffPageModel = async (reply: FastifyReply, { values = { role: 'clerk' }, errors = {}, status = 200, notice = null, reset = null }: StaffPage = {}) => {
    const [accounts, agencies, tree] = await Promise.all([listStaff(ctx.db), listAgencies(ctx.db), ctx.jurisdictions.current()]);
    const f = (path: string, options?: readonly (readonly [string, string])[]) => fieldModel({ values, errors, path, options });
    return reply.status(status).page('admin/staff', {
      title: '工作人员账号',
      notice,
      reset,
      accounts: accounts.map((a) => ({
        ...a,
        roleLabel: { admin: '系统管理员', supervisor: '负责人（督办、审批延期）', clerk: '办理人员', overseer: '政务公开办（监督本级和下级机关）' }[a.role],
        scopeName: a.jurisdictionId ? (tree.byId(a.jurisdictionId)?.name ?? '') : null,
        disabled: Boolean(a.disabledAt),
        self: a.id === reply.request.principal?.id,
      })),
      errors: Object.keys(errors).length ? errors : null,
      errorList: errorList(errors, { email: '电子邮箱', name: '姓名', role: '角色', agency: '所属机关', jurisdiction: '所属行政区划', password: '初始密码' }),
      form: {
        email: f('email'),
        name: f('name'),
        password: f('password'),
        role: f('role', [
          ['clerk', '办理人员'],
          ['supervisor', '负责人'],
          ['overseer', '政务公开办'],
          ['admin', '系统管理员'],
        ]),
        jurisdiction: f(
          'jurisdiction',
          tree.rows.map((j) => [j.code, j.name] as const),
        ),
        agency: f(
          'agency',
          agencies.map((a) => [a.slug, a.name] as const),
        ),
      },
    });
  };
  app.get('/admin/staff', { preHandler: admin }, async (request, reply) => staffPageModel(reply, { notice: noticeOf(request) }));
  app.post('/admin/staff', post, async (request, reply) => {
    try {
      // The administrator chose the first password: the person sets their own at the first sign-in.
      await createStaff(ctx, { ...(request.body as object), passwordChangeRequired: true });
      return redirectWithNotice(reply, '/admin/staff', 'saved');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return staffPageModel(reply, { values: request.body as Record<string, unknown>, errors: body.fields ?? { _: body.message }, status });
    }
  });
  app.post<{ Params: { id: string }; Body: { disabled?: string } }>('/admin/staff/:id/status', post, async (request, reply) => {
    await setStaffDisabled(ctx, request.principal!, Number(request.params.id), request.body.disabled === '1');
    return redirectWithNotice(reply, '/admin/staff', 'saved');
  });

  // Shown once, on this answer (never stored, never in an address); the page is not kept (no-store).
  app.post<{ Params: { id: string } }>('/admin/staff/:id/password', post, async (request, reply) => {
    try {
      const reset = await resetStaffPassword(ctx, request.principal!, Number(request.params.id));
      return staffPageModel(reply, { reset });
    } catch (err) {
      const { status, body } = refusalOf(err);
      return staffPageModel(reply, { errors: body.fields ?? { _: body.message }, status });
    }
  });

  // Holiday calendar
  const calendarPage = async (
    reply: FastifyReply,
    form: { year?: string; holidays?: string; workdays?: string } = {},
    errors: Record<string, string> = {},
    status = 200,
    notice: string | null = null,
  ) => {
    const years = await listYears(ctx.db);
    return reply.status(status).page('admin/calendar', {
      title: '节假日安排',
      notice,
      years: years.map((y) => ({
        year: y.year,
        holidays: y.holidays.length,
        workdays: y.workdays.join('、'),
        holidayText: y.holidays.join('\n'),
        workdayText: y.workdays.join('\n'),
      })),
      form: { year: form.year ?? String(Math.max(...years.map((y) => y.year), 2026) + 1), holidays: form.holidays ?? '', workdays: form.workdays ?? '' },
      errors: Object.keys(errors).length ? errors : null,
      errorList: errorList(errors, { year: '年份', holidays: '放假日期', workdays: '调休上班日期' }),
    });
  };
  app.get('/admin/calendar', { preHandler: admin }, async (request, reply) => calendarPage(reply, {}, {}, 200, noticeOf(request)));
  app.post<{ Body: { year?: string; holidays?: string; workdays?: string } }>('/admin/calendar', post, async (request, reply) => {
    const form = request.body;
    const holidays = expandDateLines(form.holidays ?? '');
    const workdays = expandDateLines(form.workdays ?? '');
    const errors: Record<string, string> = {};
    if (holidays.bad) errors.holidays = `无法识别“${holidays.bad}”，请每行写一个日期或“开始..结束”`;
    if (workdays.bad) errors.workdays = `无法识别“${workdays.bad}”，请每行写一个日期`;
    if (Object.keys(errors).length) return calendarPage(reply, form, errors, 400);
    try {
      const result = await loadYear(ctx, { principal: request.principal!, year: form.year, input: { holidays: holidays.dates, workdays: workdays.dates } });
      return calendarPage(reply, {}, {}, 200, `${result.year}年节假日安排已载入，${result.recomputedCases} 件办理中申请的答复期限已重新计算。`);
    } catch (err) {
      const { status, body } = refusalOf(err);
      return calendarPage(reply, form, body.fields ?? { _: body.message }, status);
    }
  });

  // Mail queue
  app.get<{ Querystring: { status?: string } }>('/admin/outbox', { preHandler: admin }, async (request, reply) => {
    const status = ['pending', 'sent', 'failed'].includes(request.query.status ?? '') ? request.query.status : 'failed';
    const overview = await outboxOverview(ctx, { status, limit: 200 });
    return reply.page('admin/outbox', { title: '邮件发送状态', status, ...overview, notice: noticeOf(request) });
  });
  app.post<{ Params: { id: string } }>('/admin/outbox/:id/retry', post, async (request, reply) => {
    await retryOutboxMail(ctx, request.params.id);
    return redirectWithNotice(reply, '/admin/outbox?status=pending', 'retried');
  });
}
