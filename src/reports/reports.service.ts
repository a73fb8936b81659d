// The annual report (art. 49, 50): tables computed from the cases, a draft whose text administrators
// edit, and publication that freezes the numbers with the report even if cases change later.
import { z } from 'zod';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import { validationFailed, forbidden, notFound, ruleViolation } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { findAgencyById, findAgencyBySlug, listAgencies } from '../agencies/agencies.repository.js';
import type { Principal } from '../staff/principal.js';
import { feeFigures, findReport, insertReport, listReports, table3Counts, table4Counts, updateDraftReport, type Span } from './reports.repository.js';
import { foldTable3, foldTable4, table3Problems, type Table3, type Table4 } from './tables.js';

export type AnnualTables = { table3: Table3; table4: Table4; fees: { notices: number; paid: number; collectedYuan: number } };

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

/**
 * What a report covers and the key it is kept and addressed under: one agency (its slug), a
 * jurisdiction with those below it (its code), or every agency (`all`, only where the installation
 * has no one top jurisdiction).
 */
export type ReportScope = { key: string; name: string; agencyIds?: number[]; slug?: string; code?: string };

/** The scope a stored report's key names (`district`, the one-district version's key, is the top jurisdiction). */
export async function scopeOfKey(ctx: AppContext, key: string): Promise<ReportScope | null> {
  const tree = await ctx.jurisdictions.current();
  if (key === 'all' || key === 'district') {
    const root = tree.root();
    return root ? jurisdictionScope(ctx, root.id) : { key: 'all', name: '全部行政区划' };
  }
  const j = /^\d+$/.test(key) ? tree.byCode(key) : undefined;
  if (j) return jurisdictionScope(ctx, j.id);
  const agency = /^\d+$/.test(key) ? null : await findAgencyBySlug(ctx.db, key, { includeRetired: true });
  return agency ? { key: agency.slug, name: agency.name, agencyIds: [agency.id], slug: agency.slug } : null;
}

/** A jurisdiction's scope: its agencies and those of every jurisdiction below it (a city's report combines its districts'). */
async function jurisdictionScope(ctx: AppContext, id: number): Promise<ReportScope> {
  const tree = await ctx.jurisdictions.current();
  const j = tree.byId(id)!;
  // Every agency (the top of the installation): counted with no filter at all.
  return { key: j.code, name: j.name, agencyIds: tree.agenciesWithin(id), code: j.code };
}

/** Which agencies a report is for: clerks and supervisors their own; administrators any agency or jurisdiction, or all. */
export async function reportScope(ctx: AppContext, principal: Principal, query: { agency?: unknown; jurisdiction?: unknown }): Promise<ReportScope> {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  // The pages' one 范围 list names a jurisdiction by its code (digits) and an agency by its slug (a letter first).
  const named = text(query.agency);
  const slug = named && /^\d+$/.test(named) ? null : named;
  const code = text(query.jurisdiction) ?? (named && !slug ? named : null);
  if (principal.role === 'overseer') {
    // A jurisdiction's OGI office: its own jurisdiction by default, or any agency or jurisdiction below it.
    const tree = await ctx.jurisdictions.current();
    const home = principal.jurisdictionId!;
    if (slug) {
      const found = await findAgencyBySlug(ctx.db, slug, { includeRetired: true });
      if (!found || !tree.within(found.jurisdictionId, home)) throw forbidden('只能查看本级和下级行政区划的统计');
      return { key: found.slug, name: found.name, agencyIds: [found.id], slug: found.slug };
    }
    const j = code ? tree.byCode(code) : tree.byId(home);
    if (!j || !tree.within(j.id, home)) throw forbidden('只能查看本级和下级行政区划的统计');
    return jurisdictionScope(ctx, j.id);
  }
  if (principal.role !== 'admin') {
    const own = (await findAgencyById(ctx.db, principal.agencyId!))!;
    if ((slug && slug !== own.slug) || code) throw forbidden('只能查看本机关的统计');
    return { key: own.slug, name: own.name, agencyIds: [own.id], slug: own.slug };
  }
  if (slug && slug !== 'district') {
    const found = await findAgencyBySlug(ctx.db, slug, { includeRetired: true });
    if (!found) throw validationFailed({ agency: '没有这个机关' });
    return { key: found.slug, name: found.name, agencyIds: [found.id], slug: found.slug };
  }
  if (code) {
    const j = (await ctx.jurisdictions.current()).byCode(code);
    if (!j) throw validationFailed({ jurisdiction: '没有这个行政区划' });
    return jurisdictionScope(ctx, j.id);
  }
  return (await scopeOfKey(ctx, 'all'))!;
}

export async function computeTables(ctx: AppContext, year: number, scope: ReportScope): Promise<AnnualTables> {
  const span: Span = { start: `${year}-01-01`, end: `${year}-12-31`, agencyIds: scope.agencyIds };
  const [counts, reviews, fees] = await Promise.all([table3Counts(ctx.db, span), table4Counts(ctx.db, span), feeFigures(ctx.db, span)]);
  const table3 = foldTable3(counts);
  const problems = table3Problems(table3);
  // The identities hold by construction; if they ever fail, the data is wrong and must not be published.
  if (problems.length) ctx.log.error({ year, scope: scope.key, problems }, 'annual report identities do not hold');
  return { table3, table4: foldTable4(reviews), fees };
}

/** GET /api/reports/annual */
export async function annualReportApi(ctx: AppContext, principal: Principal, query: { year?: unknown; agency?: unknown; jurisdiction?: unknown }) {
  const year = parseYear(query.year);
  const scope = await reportScope(ctx, principal, query);
  const tables = await computeTables(ctx, year, scope);
  return { year, agency: scope.slug ?? null, jurisdiction: scope.code ?? null, agencyName: scope.name, rows: tables.table3, table4: tables.table4, fees: tables.fees };
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

/** Creates the year's report draft (or returns the existing one). */
export async function generateReportDraft(ctx: AppContext, input: { year?: unknown; agency?: unknown; jurisdiction?: unknown }, principal: Principal) {
  const year = parseYear(input.year);
  const scope = await reportScope(ctx, principal, input);
  const existing = await findReport(ctx.db, year, scope.key);
  if (existing) return existing;
  const tables = await computeTables(ctx, year, scope);
  await insertReport(ctx.db, { year, scope: scope.key, status: 'draft', sections: defaultSections(year, scope.name, tables), updatedAt: ctx.clock.now() });
  return (await findReport(ctx.db, year, scope.key))!;
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
/** What the draft's sections hold until someone writes them: 【请填写…】. */
const PLACEHOLDER = /【请填写[^】]*】/;
const SECTION_LABELS: Record<string, string> = {
  overview: '一、总体情况',
  proactive: '二、主动公开政府信息情况',
  problems: '五、存在的主要问题及改进情况',
  other: '六、其他需要报告的事项',
};

export async function publishReport(ctx: AppContext, principal: Principal, year: number, scopeSlug: string) {
  const report = await reportAt(ctx, year, scopeSlug);
  if (report.status === 'published') throw frozen();
  const scope = await scopeOfKey(ctx, report.scope);
  if (!scope) throw notFound('reports.not_found', '没有找到该年度报告');
  if (principal.role !== 'admin') throw forbidden('只有管理员可以发布年度报告');
  // Art. 49: the report covers a whole year; its figures are final only once the year is over.
  if (today(ctx.clock) < `${year + 1}-01-01`)
    throw ruleViolation('art49_report_after_year_end', `${year}年尚未结束，${year}年度报告自${year + 1}年1月1日起才能发布（条例第四十九条）`);
  // In the report's order (a stored draft's keys come back in the database's order).
  const order = Object.keys(SECTION_LABELS);
  const unfinished = Object.entries(report.sections)
    .filter(([, text]) => PLACEHOLDER.test(text))
    .sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  if (unfinished.length)
    throw ruleViolation(
      'annual_report_placeholders',
      `报告中还有待填写的内容，不能发布：${unfinished.map(([key, text]) => `${SECTION_LABELS[key] ?? key}（${PLACEHOLDER.exec(text)![0]}）`).join('；')}`,
    );
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
  const scope = await scopeOfKey(ctx, report.scope);
  if (!scope) throw notFound('reports.not_found', '没有找到该年度报告');
  const tables = report.status === 'published' ? (report.tables as AnnualTables) : await computeTables(ctx, year, scope);
  return { report, scope, name: scope.name, tables };
}

/** The reports' names: a jurisdiction's, an agency's, or all. */
export async function reportNames(ctx: AppContext) {
  const [agencies, tree] = await Promise.all([listAgencies(ctx.db, { includeRetired: true }), ctx.jurisdictions.current()]);
  return (scope: string) => tree.byCode(scope)?.name ?? agencies.find((a) => a.slug === scope)?.name ?? (scope === 'all' ? '全部行政区划' : scope);
}

/** Published reports: all, or on a jurisdiction's own address its own, its agencies' and those below it. */
export async function publishedReports(ctx: AppContext, within?: number) {
  const [reports, agencies, tree] = await Promise.all([listReports(ctx.db, 'published'), listAgencies(ctx.db, { includeRetired: true }), ctx.jurisdictions.current()]);
  const jurisdictionOf = (scope: string) => tree.byCode(scope)?.id ?? agencies.find((a) => a.slug === scope)?.jurisdictionId;
  const name = await reportNames(ctx);
  return reports
    .filter((r) => {
      if (within === undefined) return true;
      const at = jurisdictionOf(r.scope);
      return at !== undefined && tree.within(at, within);
    })
    .map((r) => ({ ...r, name: name(r.scope) }));
}
