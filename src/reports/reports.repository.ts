// The annual report's numbers, aggregated in SQL from the cases' applicant column, receipt and
// conclusion dates and disposition; one grouped scan whatever the number of cases.
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../db/client.js';
import { annualReports, cases, reviews } from '../db/schema.js';
import type { Table3Count } from './tables.js';

/** A year (or any span) and the agencies counted: one agency's, a jurisdiction's with those below it, or every one (undefined). */
export type Span = { start: string; end: string; agencyIds?: number[] };

/**
 * `agency_id` among the span's agencies, as one statement text whatever their number (prepared once);
 * the list is made once per statement (an init plan), not once per row: a district has 40 agencies,
 * a province thousands.
 */
function among(column: unknown, ids: number[]) {
  return sql`${column} = any(array(select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::int))`;
}

/**
 * Table 三's counts for a span and scope. An application one agency forwarded to another (art. 36(5))
 * is one application at a level that holds both (国办公开办函〔2021〕30号; docs/statute.md §5): there
 * the receiving agency's case counts and the forwarding one's, concluded (四)1, is left out whole, so
 * the identities hold. A scope that holds only the forwarding agency (its own report, or a
 * jurisdiction the receiving agency is not in) counts the forwarded case as that agency concluded it.
 */
export async function table3Counts(db: Executor, span: Span): Promise<Table3Count[]> {
  const agency =
    span.agencyIds === undefined
      ? sql`and not exists (select 1 from cases forwarded where forwarded.transferred_from_id = cases.id)`
      : sql`and ${among(sql`agency_id`, span.agencyIds)} and not exists (select 1 from cases forwarded where forwarded.transferred_from_id = cases.id and ${among(sql`forwarded.agency_id`, span.agencyIds)})`;
  const rows = rowsOf<{ column: string; disposition: string | null; new: number; carried_over: number; concluded: number; carried_forward: number }>(
    await db.execute(sql`
      select applicant_column as "column", disposition,
        count(*) filter (where received_on >= ${span.start}::date)::int as new,
        count(*) filter (where received_on < ${span.start}::date)::int as carried_over,
        count(*) filter (where concluded_on <= ${span.end}::date)::int as concluded,
        count(*) filter (where concluded_on is null or concluded_on > ${span.end}::date)::int as carried_forward
      from cases
      -- every case received by the end of the year and not concluded before it began
      where received_on <= ${span.end}::date and (concluded_on is null or concluded_on >= ${span.start}::date) ${agency}
      group by applicant_column, disposition`),
  );
  return rows.map((r) => ({ column: r.column, disposition: r.disposition, new: r.new, carriedOver: r.carried_over, concluded: r.concluded, carriedForward: r.carried_forward }));
}

/** Reviews and suits filed in the year, by kind and outcome. */
export async function table4Counts(db: Executor, span: Span) {
  return db
    .select({ kind: reviews.kind, outcome: reviews.outcome, n: sql<number>`count(*)::int` })
    .from(reviews)
    .innerJoin(cases, eq(cases.id, reviews.caseId))
    .where(and(sql`${reviews.filedOn} between ${span.start}::date and ${span.end}::date`, span.agencyIds === undefined ? undefined : among(cases.agencyId, span.agencyIds)))
    .groupBy(reviews.kind, reviews.outcome);
}

/** Fee notices issued and fees collected in the year (for section 六 of the report). */
export async function feeFigures(db: Executor, span: Span) {
  const [row] = await db
    .select({
      notices: sql<number>`count(*) filter (where ${cases.feeNoticeOn} between ${span.start}::date and ${span.end}::date)::int`,
      paid: sql<number>`count(*) filter (where ${cases.feePaidOn} between ${span.start}::date and ${span.end}::date)::int`,
      collectedYuan: sql<number>`coalesce(sum(${cases.feeAmountYuan}) filter (where ${cases.feePaidOn} between ${span.start}::date and ${span.end}::date), 0)::int`,
    })
    .from(cases)
    .where(and(sql`${cases.feeNoticeOn} is not null`, span.agencyIds === undefined ? undefined : among(cases.agencyId, span.agencyIds)));
  return row ?? { notices: 0, paid: 0, collectedYuan: 0 };
}

export type ReportRow = typeof annualReports.$inferSelect;

export async function findReport(db: Executor, year: number, scope: string): Promise<ReportRow | null> {
  const [row] = await db
    .select()
    .from(annualReports)
    .where(and(eq(annualReports.year, year), eq(annualReports.scope, scope)));
  return row ?? null;
}

export async function listReports(db: Executor, status?: 'draft' | 'published') {
  return db
    .select({
      id: annualReports.id,
      year: annualReports.year,
      scope: annualReports.scope,
      status: annualReports.status,
      publishedAt: annualReports.publishedAt,
      updatedAt: annualReports.updatedAt,
    })
    .from(annualReports)
    .where(status ? eq(annualReports.status, status) : undefined)
    .orderBy(sql`${annualReports.year} desc`, annualReports.scope);
}

export async function insertReport(db: Executor, values: typeof annualReports.$inferInsert): Promise<void> {
  await db.insert(annualReports).values(values).onConflictDoNothing();
}

/** Changes a report still in draft; false when it has been published meanwhile (it is frozen then). */
export async function updateDraftReport(db: Executor, id: number, values: Partial<typeof annualReports.$inferInsert>): Promise<boolean> {
  const rows = await db
    .update(annualReports)
    .set(values)
    .where(and(eq(annualReports.id, id), eq(annualReports.status, 'draft')))
    .returning({ id: annualReports.id });
  return rows.length > 0;
}

export async function reviewsOf(db: Executor, caseId: number) {
  return db.select().from(reviews).where(eq(reviews.caseId, caseId)).orderBy(reviews.filedOn, reviews.id);
}

/** The case ledger (台账): every case received in the span, with its dates, disposition and the numbers of its letters. */
export async function ledgerRows(db: Executor, span: Span) {
  const scope = span.agencyIds === undefined ? sql`` : sql`and ${among(sql`c.agency_id`, span.agencyIds)}`;
  return rowsOf<{
    tracking_number: string;
    agency: string;
    received_on: string;
    channel: string;
    applicant_column: string;
    applicant_name: string;
    description: string;
    state: string;
    due_on: string | null;
    concluded_on: string | null;
    disposition: string | null;
    letters: string | null;
  }>(
    await db.execute(sql`
      select c.tracking_number, a.name as agency, c.received_on::text, c.channel, c.applicant_column, c.applicant_name, c.description,
        c.state, c.due_on::text, c.concluded_on::text, c.disposition,
        (select string_agg(l.title || '（' || l.document_number || '，' || l.issued_on::text || '）', '；' order by l.id) from letters l where l.case_id = c.id) as letters
      from cases c join agencies a on a.id = c.agency_id
      where c.received_on between ${span.start}::date and ${span.end}::date ${scope}
      order by c.received_on, c.id`),
  );
}
