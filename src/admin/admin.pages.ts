// Administration pages: agencies (create, edit, retire), their guides (draft, preview, publish),
// the holiday calendar per year, and the mail queue (staff accounts: staff-accounts.pages.ts).
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
    // Opens on the tab that has something: failures first, then what waits, else what went.
    const counts = (await outboxOverview(ctx, { limit: 1 })).counts;
    const fallback = counts.failed ? 'failed' : counts.pending ? 'pending' : 'sent';
    const status = ['pending', 'sent', 'failed'].includes(request.query.status ?? '') ? request.query.status : fallback;
    const overview = await outboxOverview(ctx, { status, limit: 200 });
    const items = overview.items.map((m) => ({ ...m, errorText: m.lastError ? mailErrorText(m.lastError) : null }));
    return reply.page('admin/outbox', { title: '邮件发送状态', status, ...overview, items, notice: noticeOf(request) });
  });
  app.post<{ Params: { id: string } }>('/admin/outbox/:id/retry', post, async (request, reply) => {
    await retryOutboxMail(ctx, request.params.id);
    return redirectWithNotice(reply, '/admin/outbox?status=pending', 'retried');
  });
}

/** A mail server's error as an administrator can act on it, with the technical code kept at the end. */
function mailErrorText(error: string): string {
  const known: [RegExp, string][] = [
    [/ECONNREFUSED/, '邮件服务器拒绝连接（服务器未运行或地址、端口有误）'],
    [/ETIMEDOUT|timeout/i, '连接邮件服务器超时'],
    [/ENOTFOUND|EAI_AGAIN/, '找不到邮件服务器（域名有误或网络不通）'],
    [/EAUTH|535|authentication/i, '邮件服务器认证失败（用户名或密码有误）'],
    [/\b55\d\b|mailbox|recipient/i, '收件人邮箱不存在或拒收'],
    [/certificate|TLS|SSL/i, '与邮件服务器的加密连接失败（证书问题）'],
  ];
  const found = known.find(([pattern]) => pattern.test(error));
  return `${found ? found[1] : '发送失败'}。技术信息：${error.slice(0, 120)}`;
}
