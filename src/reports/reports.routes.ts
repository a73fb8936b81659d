// Annual report endpoints and pages: the API table, CSV, the staff's live table, the administrators'
// drafts, the public published reports, and reviews/lawsuits recorded against answers.
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { today } from '../calendar/clock.js';
import { renderReportPdf } from './report-pdf.js';
import { toShanghaiIso } from '../calendar/dates.js';
import type { AppContext } from '../context.js';
import { listAgencies } from '../agencies/agencies.repository.js';
import { z } from 'zod';
import { reviewSchemaFields } from '../desk/desk.schemas.js';
import { staffOnly, staffPage } from '../http/auth.js';
import { sendSpreadsheet } from '../http/files.js';
import { ERRORS, STAFF, trackingNumberParams } from '../http/openapi.js';
import { annualReportSchema, reportQuery } from './reports.schemas.js';
import { noticeOf, orRefusalPage, redirectWithNotice } from '../http/views.js';
import { dropEmpty } from '../common/validation.js';
import {
  annualReportApi,
  generateReportDraft,
  parseYear,
  publishedReports,
  publishReport,
  reportNames,
  reportScope,
  scopeOfKey,
  reportView,
  saveReportSections,
  SECTION_TITLES,
  computeTables,
} from './reports.service.js';
import { listReports } from './reports.repository.js';
import { ledgerXlsx } from './ledger.service.js';
import { recordReview, reviewInput, reviewOutcomeInput, updateReviewOutcome } from './reviews.service.js';
import { reportCsv, table3Layout, table4Layout } from './tables.js';

type YearScope = { Params: { year: string; scope: string } };

const tags = ['reports'];
const security = STAFF;
const SCHEMAS = {
  annual: {
    tags,
    security,
    summary: 'Tables 三 and 四 of the annual report for a year (国办公开办函〔2021〕30号)',
    querystring: reportQuery,
    response: { 200: annualReportSchema, ...ERRORS },
  },
  ledger: {
    tags,
    security,
    summary: 'The case ledger (台账): every case of a scope received in a period, with its dates, disposition and letters, as XLSX',
    querystring: z.object({
      from: z.string().optional().describe('YYYY-MM-DD; default 1 January of this year'),
      to: z.string().optional().describe('YYYY-MM-DD; default today'),
      agency: z.string().optional(),
      jurisdiction: z.string().optional(),
    }),
    produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    response: { 200: z.string().describe('XLSX'), ...ERRORS },
  },
  csv: { tags, security, summary: 'Tables 三 and 四 as CSV', querystring: reportQuery, produces: ['text/csv'], response: { 200: z.string().describe('CSV, UTF-8'), ...ERRORS } },
  review: {
    tags,
    security,
    summary: 'Record a 行政复议 or lawsuit against a case’s answer, or its failure to answer (table 四)',
    params: trackingNumberParams,
    body: reviewInput,
    response: { 201: reviewSchemaFields(), ...ERRORS },
  },
  outcome: {
    tags,
    security,
    summary: 'Record the outcome of a review or lawsuit',
    params: trackingNumberParams.extend({ id: z.string() }),
    body: reviewOutcomeInput,
    response: { 200: reviewSchemaFields(), ...ERRORS },
  },
};

/** The year a report is usually written for: the one before this one in Asia/Shanghai. */
const lastYear = (ctx: AppContext) => Number(today(ctx.clock).slice(0, 4)) - 1;

/** Tables 三 and 四 as a CSV download, for the API and the staff's page alike. */
type ScopeQuery = { Querystring: { year?: string; agency?: string; jurisdiction?: string } };

async function sendReportCsv(ctx: AppContext, request: FastifyRequest<ScopeQuery>, reply: FastifyReply) {
  const report = await annualReportApi(ctx, request.principal!, request.query);
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${report.year}年${report.agencyName}政府信息公开申请情况.csv`)}`)
    .send(reportCsv({ year: report.year, agencyName: report.agencyName, table: report.rows, table4: report.table4 }));
}

/** The 范围 choices of the administrators' report pages: every jurisdiction (with those below it), then every agency. */
async function scopeChoices(ctx: AppContext, within?: number) {
  const [tree, all] = await Promise.all([ctx.jurisdictions.current(), listAgencies(ctx.db, { includeRetired: true })]);
  const jurisdictions = within === undefined ? tree.rows : tree.rows.filter((j) => tree.within(j.id, within));
  const agencies = within === undefined ? all : all.filter((a) => tree.within(a.jurisdictionId, within));
  return [
    ...jurisdictions.map((j) => ({ value: j.code, name: tree.children(j.id).length ? `${j.name}（含下级）` : `${j.name}（全部机关）` })),
    ...agencies.map((a) => ({ value: a.slug, name: a.name })),
  ];
}

function reportModel(view: Awaited<ReturnType<typeof reportView>>) {
  const { report, tables, name } = view;
  return {
    title: `${name}${report.year}年政府信息公开工作年度报告`,
    report,
    name,
    sections: Object.entries(SECTION_TITLES).map(([key, title]) => ({ key, title, text: report.sections[key] ?? '' })),
    table3: table3Layout(tables.table3),
    table4: table4Layout(tables.table4),
    fees: tables.fees,
    published: report.status === 'published',
    publishedAt: report.publishedAt ? toShanghaiIso(report.publishedAt).slice(0, 10) : null,
  };
}

export async function reportRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const staff = staffOnly(ctx);
  app.get<ScopeQuery>('/api/reports/annual', { schema: SCHEMAS.annual, preHandler: staff }, async (request) => annualReportApi(ctx, request.principal!, request.query));
  app.get<ScopeQuery>('/api/reports/annual.csv', { schema: SCHEMAS.csv, preHandler: staff }, (request, reply) => sendReportCsv(ctx, request, reply));
  // The case ledger (台账) of a scope and period, as XLSX: the API and the staff's page alike.
  const sendLedger = async (request: FastifyRequest, reply: FastifyReply) => {
    const { file, filename } = await ledgerXlsx(ctx, request.principal!, request.query);
    return sendSpreadsheet(reply, filename, file);
  };
  app.get('/api/reports/ledger.xlsx', { schema: SCHEMAS.ledger, preHandler: staff }, sendLedger);
  app.get('/staff/reports/ledger.xlsx', { preHandler: staffPage(ctx) }, sendLedger);

  app.post<{ Params: { trackingNumber: string } }>('/api/cases/:trackingNumber/reviews', { schema: SCHEMAS.review, preHandler: staff }, async (request, reply) =>
    reply.status(201).send(await recordReview(ctx, request.principal!, request.params.trackingNumber, request.body)),
  );
  app.put<{ Params: { trackingNumber: string; id: string } }>('/api/cases/:trackingNumber/reviews/:id', { schema: SCHEMAS.outcome, preHandler: staff }, async (request) =>
    updateReviewOutcome(ctx, request.principal!, request.params.trackingNumber, request.params.id, request.body),
  );

  const staffPageOnly = staffPage(ctx);
  app.post<{ Params: { trackingNumber: string } }>('/staff/cases/:trackingNumber/reviews', { preHandler: [staffPageOnly, app.csrfProtection] }, async (request, reply) => {
    const tn = request.params.trackingNumber.toUpperCase();
    return orRefusalPage(reply, '无法登记', async () => {
      await recordReview(ctx, request.principal!, tn, dropEmpty(request.body));
      return redirectWithNotice(reply, `/staff/cases/${tn}`, 'saved');
    });
  });
  app.post<{ Params: { trackingNumber: string; id: string } }>(
    '/staff/cases/:trackingNumber/reviews/:id',
    { preHandler: [staffPageOnly, app.csrfProtection] },
    async (request, reply) => {
      const tn = request.params.trackingNumber.toUpperCase();
      return orRefusalPage(reply, '无法保存', async () => {
        await updateReviewOutcome(ctx, request.principal!, tn, request.params.id, dropEmpty(request.body));
        return redirectWithNotice(reply, `/staff/cases/${tn}`, 'saved');
      });
    },
  );

  // Staff: the live table for a year, laid out like the official form.
  app.get<ScopeQuery>('/staff/reports', { preHandler: staffPage(ctx) }, async (request, reply) => {
    const principal = request.principal!;
    const year = request.query.year ? parseYear(request.query.year) : lastYear(ctx);
    const scope = await reportScope(ctx, principal, request.query);
    const tables = await computeTables(ctx, year, scope);
    const choices = principal.role === 'admin' ? await scopeChoices(ctx) : principal.role === 'overseer' ? await scopeChoices(ctx, principal.jurisdictionId!) : [];
    return reply.page('staff/request-statistics', {
      title: `${year}年收到和处理政府信息公开申请情况`,
      year,
      name: scope.name,
      table3: table3Layout(tables.table3),
      table4: table4Layout(tables.table4),
      fees: tables.fees,
      scopes: choices.map((c) => ({ ...c, selected: c.value === scope.key })),
      canChoose: choices.length > 0,
      csvUrl: `/staff/reports.csv?year=${year}${scope.code ? `&jurisdiction=${scope.code}` : scope.slug ? `&agency=${scope.slug}` : ''}`,
      ledgerUrl: `/staff/reports/ledger.xlsx?from=${year}-01-01&to=${year}-12-31${scope.code ? `&jurisdiction=${scope.code}` : scope.slug ? `&agency=${scope.slug}` : ''}`,
    });
  });
  app.get<ScopeQuery>('/staff/reports.csv', { preHandler: staffPage(ctx) }, (request, reply) => sendReportCsv(ctx, request, reply));

  // Administrators: drafts, editing, publication.
  const admin = staffPage(ctx, ['admin']);
  app.get('/admin/reports', { preHandler: admin }, async (request, reply) => {
    const [reports, name, scopes] = await Promise.all([listReports(ctx.db), reportNames(ctx), scopeChoices(ctx)]);
    return reply.page('admin/report-drafts', {
      title: '年度报告',
      reports: reports.map((r) => ({ ...r, name: name(r.scope), isPublished: r.status === 'published' })),
      scopes,
      year: lastYear(ctx),
      notice: noticeOf(request),
    });
  });
  app.post<{ Body: { year?: string; agency?: string } }>('/admin/reports', { preHandler: [admin, app.csrfProtection] }, async (request, reply) => {
    const report = await generateReportDraft(ctx, request.body, request.principal!);
    return reply.redirect(`/admin/reports/${report.year}/${report.scope}`, 303);
  });
  app.get<YearScope>('/admin/reports/:year/:scope', { preHandler: admin }, async (request, reply) => {
    const view = await reportView(ctx, Number(request.params.year), request.params.scope, { publishedOnly: false });
    return reply.page('admin/report-editor', { ...reportModel(view), notice: noticeOf(request) });
  });
  app.post<YearScope>('/admin/reports/:year/:scope', { preHandler: [admin, app.csrfProtection] }, async (request, reply) => {
    await saveReportSections(ctx, Number(request.params.year), request.params.scope, request.body);
    return redirectWithNotice(reply, `/admin/reports/${request.params.year}/${request.params.scope}`, 'saved');
  });
  app.post<YearScope>('/admin/reports/:year/:scope/publish', { preHandler: [admin, app.csrfProtection] }, async (request, reply) => {
    return orRefusalPage(reply, '无法发布', async () => {
      await publishReport(ctx, request.principal!, Number(request.params.year), request.params.scope);
      return redirectWithNotice(reply, `/reports/${request.params.year}/${request.params.scope}`, 'published');
    });
  });

  // Public: published reports with their frozen numbers.
  // On a jurisdiction's own address (its host name, /j/<code>/reports): its reports, its agencies' and those below it.
  const published = async (request: FastifyRequest, reply: FastifyReply) => {
    const at = request.site?.code ? (await ctx.jurisdictions.current()).byCode(request.site.code) : undefined;
    return reply.page('reports', { title: at ? `${at.name}政府信息公开工作年度报告` : '政府信息公开工作年度报告', reports: await publishedReports(ctx, at?.id) });
  };
  app.get('/reports', published);
  app.get('/j/:code/reports', async (request, reply) => (request.site?.code ? published(request, reply) : reply.callNotFound()));
  // The one-district version's whole-district reports are the top jurisdiction's now (migration 0021).
  app.get<YearScope>('/reports/:year/district', async (request, reply) => {
    // A year no report can have is simply not found (as at any other scope).
    if (!/^\d{4}$/.test(request.params.year)) return reply.callNotFound();
    const scope = await scopeOfKey(ctx, 'district');
    return reply.redirect(`/reports/${request.params.year}/${scope?.key ?? 'all'}`, 301);
  });
  // The published report as an A4 PDF, with the numbers as published.
  app.get<YearScope>('/reports/:year/:scope.pdf', async (request, reply) => {
    const view = await reportView(ctx, Number(request.params.year), request.params.scope, { publishedOnly: true });
    const m = reportModel(view);
    const pdf = await renderReportPdf(
      {
        title: m.title,
        publishedOn: m.publishedAt,
        agencyName: view.name,
        at: view.report.publishedAt ?? ctx.clock.now(),
        sections: m.sections,
        table3: m.table3,
        table4: m.table4,
        feesLine: `信息处理费：本年度发出收费通知 ${m.fees.notices} 件，缴费 ${m.fees.paid} 件，收取 ${m.fees.collectedYuan} 元。`,
      },
      ctx.pdfFonts(),
    );
    return reply.type('application/pdf').header('content-disposition', `inline; filename="report-${view.report.year}-${request.params.scope}.pdf"`).send(pdf);
  });
  app.get<YearScope>('/reports/:year/:scope', async (request, reply) => {
    const view = await reportView(ctx, Number(request.params.year), request.params.scope, { publishedOnly: true });
    return reply.page('report', { ...reportModel(view), notice: noticeOf(request) });
  });
}
