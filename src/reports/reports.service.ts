// The annual report (art. 49, 50): tables computed from the cases, a draft whose text administrators
// edit, and publication that freezes the numbers with the report even if cases change later.
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { validationFailed, forbidden, notFound, ruleViolation } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { findAgencyById, findAgencyBySlug, listAgencies } from '../agencies/agencies.repository.js';
import type { Principal } from '../staff/principal.js';
import { feeFigures, findReport, insertReport, listReports, table3Counts, table4Counts, updateDraftReport, type Span } from './reports.repository.js';
import { foldTable3, foldTable4, table3Problems, type Table3, type Table4 } from './tables.js';

export type AnnualTables = { table3: Table3; table4: Table4; fees: { notices: number; paid: number; collectedYuan: number } };
export type ReportScope = { slug: string; name: string } | null;

const yearSchema = z.coerce.number().int().min(2019).max(2100);
const YEAR_MESSAGE = '年份应为2019年以后的四位数字';

export function parseYear(value: unknown): number {
  const r = yearSchema.safeParse(value);
  if (!r.success) throw validationFailed({ year: YEAR_MESSAGE }, YEAR_MESSAGE);
  return r.data;
}

/** The report of a year and scope named in a path; a year no report can have (not a number, out of range) is simply not found. */
async function reportAt(ctx: AppContext, year: number, scope: string) {
  const report = yearSchema.safeParse(year).success ? await findReport(ctx.db, year, scope) : null;
  if (!report) throw notFound('reports.not_found', '没有找到该年度报告');
  return report;
}

/** Which agency a report is for: clerks and supervisors their own; administrators any, or the whole district. */
export async function reportScope(ctx: AppContext, principal: Principal, agency: unknown): Promise<ReportScope> {
  const slug = typeof agency === 'string' && agency.trim() ? agency.trim() : null;
  if (principal.role !== 'admin') {
    const own = (await findAgencyById(ctx.db, principal.agencyId!))!;
    if (slug && slug !== own.slug) throw forbidden('只能查看本机关的统计');
    return { slug: own.slug, name: own.name };
  }
  if (!slug || slug === 'district') return null;
  const found = await findAgencyBySlug(ctx.db, slug, { includeRetired: true });
  if (!found) throw validationFailed({ agency: '没有这个机关' });
  return { slug: found.slug, name: found.name };
}

export async function computeTables(ctx: AppContext, year: number, scope: ReportScope): Promise<AnnualTables> {
  const agencyId = scope ? (await findAgencyBySlug(ctx.db, scope.slug, { includeRetired: true }))!.id : undefined;
  const span: Span = { start: `${year}-01-01`, end: `${year}-12-31`, agencyId };
  const [counts, reviews, fees] = await Promise.all([table3Counts(ctx.db, span), table4Counts(ctx.db, span), feeFigures(ctx.db, span)]);
  const table3 = foldTable3(counts);
  const problems = table3Problems(table3);
  // The identities hold by construction; if they ever fail, the data is wrong and must not be published.
  if (problems.length) ctx.log.error({ year, scope: scope?.slug ?? 'district', problems }, 'annual report identities do not hold');
  return { table3, table4: foldTable4(reviews), fees };
}

/** GET /api/reports/annual */
export async function annualReportApi(ctx: AppContext, principal: Principal, query: { year?: unknown; agency?: unknown }) {
  const year = parseYear(query.year);
  const scope = await reportScope(ctx, principal, query.agency);
  const tables = await computeTables(ctx, year, scope);
  return { year, agency: scope?.slug ?? null, agencyName: scope?.name ?? '雨湖区', rows: tables.table3, table4: tables.table4, fees: tables.fees };
}

const SECTION_KEYS = ['overview', 'proactive', 'problems', 'other'] as const;
export const SECTION_TITLES: Record<(typeof SECTION_KEYS)[number], string> = {
  overview: '一、总体情况',
  proactive: '二、主动公开政府信息情况',
  problems: '五、存在的主要问题及改进情况',
  other: '六、其他需要报告的事项',
};

function defaultSections(year: number, name: string, tables: AnnualTables): Record<string, string> {
  const t3 = tables.table3;
  return {
    overview: `${year}年，${name}认真贯彻《中华人民共和国政府信息公开条例》，【请填写本年度政府信息公开工作的总体情况】。全年新收政府信息公开申请${t3.new.total}件，上年结转${t3.carried_over.total}件，办结${t3.total.total}件，结转下年度继续办理${t3.carried_forward.total}件。`,
    proactive: '【请填写主动公开政府信息情况（表二）】',
    problems: '【请填写存在的主要问题及改进情况】',
    other: `本年度发出信息处理费收费通知${tables.fees.notices}件，收取信息处理费${tables.fees.collectedYuan}元。【请填写其他需要报告的事项】`,
  };
}

function scopeKey(scope: ReportScope): string {
  return scope?.slug ?? 'district';
}

/** Creates the year's report draft (or returns the existing one). */
export async function generateReportDraft(ctx: AppContext, input: { year?: unknown; agency?: unknown }, principal: Principal) {
  const year = parseYear(input.year);
  const scope = await reportScope(ctx, principal, input.agency);
  const existing = await findReport(ctx.db, year, scopeKey(scope));
  if (existing) return existing;
  const tables = await computeTables(ctx, year, scope);
  await insertReport(ctx.db, { year, scope: scopeKey(scope), status: 'draft', sections: defaultSections(year, scope?.name ?? '雨湖区', tables), updatedAt: ctx.clock.now() });
  return (await findReport(ctx.db, year, scopeKey(scope)))!;
}

const sectionsSchema = z.object(Object.fromEntries(SECTION_KEYS.map((k) => [k, z.string().trim().max(20_000)])) as Record<(typeof SECTION_KEYS)[number], z.ZodString>);

// What is published stays as published (art. 49, 50): a draft edited or published at the same
// moment as its publication is refused, not written over the published report.
const frozen = () => ruleViolation('art49_published_report_frozen', '年度报告已经发布，不能再修改');

export async function saveReportSections(ctx: AppContext, year: number, scope: string, input: unknown) {
  const report = await reportAt(ctx, year, scope);
  const sections = parseInput(sectionsSchema, input);
  if (report.status === 'published' || !(await updateDraftReport(ctx.db, report.id, { sections, updatedAt: ctx.clock.now() }))) throw frozen();
}

/** Publishes the report: its numbers are computed once more and frozen with it. */
export async function publishReport(ctx: AppContext, principal: Principal, year: number, scopeSlug: string) {
  const report = await reportAt(ctx, year, scopeSlug);
  if (report.status === 'published') throw frozen();
  const scope = await reportScope(ctx, principal, scopeSlug);
  const tables = await computeTables(ctx, year, scope);
  const problems = table3Problems(tables.table3);
  if (problems.length) throw ruleViolation('annual_report_identities', `统计数据不平衡，不能发布：${problems.join('；')}`);
  // Published once: of two administrators publishing at the same moment, the second is told it is done.
  if (!(await updateDraftReport(ctx.db, report.id, { status: 'published', tables, publishedAt: ctx.clock.now(), publishedBy: principal.id, updatedAt: ctx.clock.now() })))
    throw frozen();
}

/** A report as shown: a draft with live numbers, a published one with its frozen numbers. */
export async function reportView(ctx: AppContext, year: number, scopeSlug: string, options: { publishedOnly: boolean }) {
  const report = await reportAt(ctx, year, scopeSlug);
  if (options.publishedOnly && report.status !== 'published') throw notFound('reports.not_found', '没有找到该年度报告');
  const agency = scopeSlug === 'district' ? null : await findAgencyBySlug(ctx.db, scopeSlug, { includeRetired: true });
  const scope: ReportScope = agency ? { slug: agency.slug, name: agency.name } : null;
  const tables = report.status === 'published' ? (report.tables as AnnualTables) : await computeTables(ctx, year, scope);
  return { report, scope, name: scope?.name ?? '雨湖区', tables };
}

export async function publishedReports(ctx: AppContext) {
  const [reports, agencies] = await Promise.all([listReports(ctx.db, 'published'), listAgencies(ctx.db, { includeRetired: true })]);
  return reports.map((r) => ({ ...r, name: r.scope === 'district' ? '雨湖区' : (agencies.find((a) => a.slug === r.scope)?.name ?? r.scope) }));
}
