// The applicant's view of a case: read as stored, or read from the case's tables and stored.
// Each reads one statement, so what it returns is of one moment.
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../db/client.js';
import type { Bundle } from './applicant-view.js';

/**
 * The row a lookup opens, with the stored view when it was built from the case and agency as they are
 * now, and the number's wrong codes in the current window (attempt_windows), all in one statement.
 */
export type StoredView = { access_code_hash: string; body: string | null; failures: number | null; failures_since: number | null };

export async function findStoredView(db: Executor, trackingNumber: string, format: string, windowFrom: Date): Promise<StoredView | null> {
  const [row] = rowsOf<StoredView>(
    await db.execute(sql`
      select c.access_code_hash, v.body, w.attempts as failures, (extract(epoch from w.window_started_at) * 1000)::float8 as failures_since
      from cases c join agencies a on a.id = c.agency_id
      left join applicant_views v on v.case_id = c.id and v.case_xmin = c.xmin::text::bigint and v.agency_xmin = a.xmin::text::bigint and v.format = ${format}
      left join attempt_windows w on w.scope = 'access_code' and w.key = c.tracking_number and w.window_started_at > ${windowFrom.toISOString()}::timestamptz
      where c.tracking_number = ${trackingNumber}`),
  );
  return row ?? null;
}

/** What the view is built from, and the versions of the case and agency rows it was read at. */
export type VersionedBundle = Bundle & { case_id: number | string; case_xmin: string; agency_xmin: string; access_code_hash: string };

/** Everything the applicant may see of a case, in one round trip. */
export async function loadBundle(db: Executor, trackingNumber: string): Promise<VersionedBundle | null> {
  const rows = rowsOf<VersionedBundle>(
    await db.execute(sql`
      select c.id as case_id, c.xmin::text as case_xmin, a.xmin::text as agency_xmin, c.access_code_hash,
        c.tracking_number, c.state, c.received_on::text, c.due_on::text, c.due_provisional,
        c.clock_stopped, c.disposition, c.concluded_on::text, a.slug as agency_slug, a.name as agency_name,
        case when c.state in ('awaiting_correction', 'awaiting_payment') then (select t.due_on::text from timers t where t.case_id = c.id and t.status = 'pending'
          and t.kind in (case c.state when 'awaiting_correction' then 'correction_due' else 'payment_due' end, 'service_due')) end as applicant_due_on,
        c.awaiting_service,
        c.snapshot #>> '{context,reasonsRequest,replyBy}' as reasons_reply_by,
        coalesce((select json_agg(json_build_object('type', e.type, 'on', e."on", 'at', e.at, 'state', e.state_after, 'dueOn', e.due_on_after,
          'payload', e.payload) order by e.seq) from case_events e where e.case_id = c.id), '[]') as timeline,
        coalesce((select json_agg(json_build_object('id', f.id, 'filename', f.filename, 'size', f.size, 'mime', f.mime) order by f.created_at, f.filename)
          from attachments f where f.case_id = c.id and f.role = 'released'), '[]') as files,
        coalesce((select json_agg(json_build_object('id', l.id, 'kind', l.kind, 'title', l.title, 'documentNumber', l.document_number,
          'issuedOn', l.issued_on, 'text', l.body_text, 'servedOn', (select min(s.served_on)::text from letter_services s where s.letter_id = l.id)) order by l.id) from letters l where l.case_id = c.id and l.recipient = 'applicant'), '[]') as letters
      from cases c join agencies a on a.id = c.agency_id
      where c.tracking_number = ${trackingNumber}`),
  );
  return rows[0] ?? null;
}

/**
 * Keeps a view built from `bundle`. Another lookup may have stored one meanwhile, older or newer:
 * whichever is kept, it is served only while the versions it names are the rows' own.
 */
export async function storeView(db: Executor, bundle: VersionedBundle, format: string, body: string): Promise<void> {
  await db.execute(sql`
    insert into applicant_views (case_id, case_xmin, agency_xmin, format, body)
    values (${bundle.case_id}, ${bundle.case_xmin}, ${bundle.agency_xmin}, ${format}, ${body})
    on conflict (case_id) do update set case_xmin = excluded.case_xmin, agency_xmin = excluded.agency_xmin, format = excluded.format, body = excluded.body`);
}

/**
 * Declares that this transaction files new cases and changes no other. No view of them can be
 * stored before they are committed, so their first rows need not rewrite them: the triggers of
 * migration 0009 skip while it is set. It ends with the transaction.
 */
export async function fileNewCasesOnly(tx: Executor): Promise<void> {
  await tx.execute(sql`select set_config('ogi.filing_new_cases', 'on', true)`);
}
