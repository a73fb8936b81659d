// Case rows, their timeline and attachments.
import { and, asc, eq, gt, gte, inArray, lt, not, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../db/client.js';
import { insertRows, insertRowsReturning } from '../db/rows.js';
import { accessCodeBare, caseEvents, cases, idNumberUnsealed, staff, submissionTokens, type ApplicantRecord } from '../db/schema.js';
import type { EventActor, TimelineType } from '../workflow/types.js';

export type CaseRow = typeof cases.$inferSelect;
export type NewCase = typeof cases.$inferInsert;
export type CaseUpdate = Pick<
  NewCase,
  | 'state'
  | 'version'
  | 'snapshot'
  | 'dueOn'
  | 'dueProvisional'
  | 'clockStopped'
  | 'assigneeId'
  | 'disposition'
  | 'concludedOn'
  | 'feeAmountYuan'
  | 'feeNoticeOn'
  | 'feePaidOn'
  | 'pendingDraft'
  | 'awaitingService'
  | 'updatedAt'
>;

/** Writes cases in one statement; returns them in no particular order. */
export async function insertCases(tx: Executor, values: NewCase[]): Promise<CaseRow[]> {
  return insertRowsReturning(tx, cases, values);
}

/** Cases whose identity number is stored unsealed, `limit` of them (through cases_unsealed_idx). */
export async function unsealedApplicants(db: Executor, limit: number): Promise<{ id: number; applicant: ApplicantRecord }[]> {
  return db.select({ id: cases.id, applicant: cases.applicant }).from(cases).where(idNumberUnsealed).limit(limit);
}

/** Cases whose identity number is stored sealed, in id order from `afterId`, `limit` of them (key rotation). */
export async function sealedApplicants(db: Executor, afterId: number, limit: number): Promise<{ id: number; trackingNumber: string; applicant: ApplicantRecord }[]> {
  return db
    .select({ id: cases.id, trackingNumber: cases.trackingNumber, applicant: cases.applicant })
    .from(cases)
    .where(and(gt(cases.id, afterId), not(idNumberUnsealed)))
    .orderBy(asc(cases.id))
    .limit(limit);
}

/**
 * Replaces the identity number (as stored: `was`, now `sealed`) and the applicant key of these cases,
 * in one statement; a case whose document changed since it was read is left for the next pass.
 * Returns how many were written.
 */
export async function sealApplicants(db: Executor, rows: { id: number; idType: string; was: string; sealed: string; applicantKey: string }[]): Promise<number> {
  if (!rows.length) return 0;
  const values = rows.map((r) => ({ id: r.id, id_type: r.idType, was: r.was, sealed: r.sealed, applicant_key: r.applicantKey }));
  const result = await db.execute(sql`
    update cases c set applicant = jsonb_set(c.applicant, '{idNumber}', to_jsonb(v.sealed)), applicant_key = v.applicant_key
    from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id bigint, id_type text, was text, sealed text, applicant_key text)
    where c.id = v.id and c.applicant->>'idNumber' = v.was and c.applicant->>'idType' is not distinct from v.id_type
    returning c.id`);
  return rowsOf(result).length;
}

/** Cases whose access code is stored as a bare hash, `limit` of them (through an index that holds only those). */
export async function bareAccessCodes(db: Executor, limit: number): Promise<{ id: number; accessCodeHash: string }[]> {
  return db.select({ id: cases.id, accessCodeHash: cases.accessCodeHash }).from(cases).where(accessCodeBare).limit(limit);
}

/** Replaces access code digests (as stored: `was`) in one statement; one changed meanwhile (a reissue) is left as it is. */
export async function replaceAccessCodeDigests(db: Executor, rows: { id: number; was: string; digest: string }[]): Promise<number> {
  if (!rows.length) return 0;
  const result = await db.execute(sql`
    update cases c set access_code_hash = v.digest
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id bigint, was text, digest text)
    where c.id = v.id and c.access_code_hash = v.was
    returning c.id`);
  return rowsOf(result).length;
}

export async function findCase(db: Executor, trackingNumber: string): Promise<CaseRow | null> {
  const [row] = await db.select().from(cases).where(eq(cases.trackingNumber, trackingNumber));
  return row ?? null;
}

/** Locks the case row for the rest of the transaction: events on one case apply one after another. */
export async function lockCase(tx: Executor, where: { trackingNumber: string } | { id: number }): Promise<CaseRow | null> {
  const condition = 'id' in where ? eq(cases.id, where.id) : eq(cases.trackingNumber, where.trackingNumber);
  const [row] = await tx.select().from(cases).where(condition).for('update');
  return row ?? null;
}

export async function setAccessCodeHash(tx: Executor, ids: number[], accessCodeHash: string): Promise<void> {
  await tx.update(cases).set({ accessCodeHash }).where(inArray(cases.id, ids));
}

/** Writes the workflow's columns of many cases in one statement. */
export async function updateCases(tx: Executor, updates: (CaseUpdate & { id: number })[]): Promise<void> {
  if (!updates.length) return;
  const values = updates.map((u) => ({
    id: u.id,
    state: u.state,
    version: u.version,
    snapshot: u.snapshot,
    due_on: u.dueOn ?? null,
    due_provisional: u.dueProvisional,
    clock_stopped: u.clockStopped,
    assignee_id: u.assigneeId ?? null,
    disposition: u.disposition ?? null,
    concluded_on: u.concludedOn ?? null,
    fee_amount_yuan: u.feeAmountYuan ?? null,
    fee_notice_on: u.feeNoticeOn ?? null,
    fee_paid_on: u.feePaidOn ?? null,
    pending_draft: u.pendingDraft ?? null,
    awaiting_service: u.awaitingService ?? null,
    updated_at: (u.updatedAt ?? new Date()).toISOString(),
  }));
  await tx.execute(sql`
    update cases as c set state = v.state, version = v.version, snapshot = v.snapshot, due_on = v.due_on,
      due_provisional = v.due_provisional, clock_stopped = v.clock_stopped, assignee_id = v.assignee_id,
      disposition = v.disposition, concluded_on = v.concluded_on, fee_amount_yuan = v.fee_amount_yuan,
      fee_notice_on = v.fee_notice_on, fee_paid_on = v.fee_paid_on, pending_draft = v.pending_draft, awaiting_service = v.awaiting_service,
      updated_at = v.updated_at
    from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id bigint, state text, version int, snapshot jsonb,
      due_on date, due_provisional boolean, clock_stopped boolean, assignee_id int, disposition text, concluded_on date,
      fee_amount_yuan int, fee_notice_on date, fee_paid_on date, pending_draft text, awaiting_service text, updated_at timestamptz)
    where c.id = v.id`);
}

/** Locks many cases for the rest of the transaction, in id order so that concurrent sweeps cannot deadlock. */
export async function lockCases(tx: Executor, ids: number[]): Promise<CaseRow[]> {
  if (!ids.length) return [];
  return tx.select().from(cases).where(inArray(cases.id, ids)).orderBy(asc(cases.id)).for('update');
}

export type TimelineEntry = {
  caseId: number;
  type: TimelineType;
  on: string;
  at: Date;
  actor: EventActor;
  stateAfter: string;
  dueOnAfter: string | null;
  payload: Record<string, unknown>;
};

/**
 * Appends entries to cases' timelines in one statement and returns each entry's number, in input
 * order. Callers hold the cases' row locks, so numbers follow one another without gaps.
 */
export async function appendTimelineEntries(tx: Executor, entries: TimelineEntry[]): Promise<number[]> {
  if (!entries.length) return [];
  const ordinal = new Map<number, number>();
  const values = entries.map((e) => {
    const n = (ordinal.get(e.caseId) ?? 0) + 1;
    ordinal.set(e.caseId, n);
    return {
      case_id: e.caseId,
      n,
      type: e.type,
      on: e.on,
      at: e.at.toISOString(),
      actor_kind: e.actor.kind,
      actor_id: e.actor.kind === 'staff' ? e.actor.id : null,
      state_after: e.stateAfter,
      due_on_after: e.dueOnAfter,
      payload: e.payload,
    };
  });
  const rows = rowsOf<{ case_id: number | string; seq: number; n: number }>(
    await tx.execute(sql`
      insert into case_events (case_id, seq, type, "on", at, actor_kind, actor_id, state_after, due_on_after, payload)
      select v.case_id, coalesce((select max(e.seq) from case_events e where e.case_id = v.case_id), 0) + v.n,
             v.type, v."on", v.at, v.actor_kind, v.actor_id, v.state_after, v.due_on_after, v.payload
      from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(case_id bigint, n int, type text, "on" date, at timestamptz,
           actor_kind text, actor_id int, state_after text, due_on_after date, payload jsonb)
      returning case_id, seq`),
  );
  // Returned rows carry no order: the k-th entry of a case got the k-th number after its previous last.
  const byCase = new Map<number, number[]>();
  for (const r of rows)
    byCase.set(
      Number(r.case_id),
      [...(byCase.get(Number(r.case_id)) ?? []), r.seq].sort((a, b) => a - b),
    );
  return values.map((v) => byCase.get(v.case_id)![v.n - 1]!);
}

export async function appendTimeline(tx: Executor, entry: TimelineEntry): Promise<number> {
  const [seq] = await appendTimelineEntries(tx, [entry]);
  return seq!;
}

export async function listTimeline(db: Executor, caseId: number) {
  return db
    .select({ event: caseEvents, actorName: staff.name, actorRole: staff.role })
    .from(caseEvents)
    .leftJoin(staff, eq(staff.id, caseEvents.actorId))
    .where(eq(caseEvents.caseId, caseId))
    .orderBy(asc(caseEvents.seq));
}

/**
 * Per-item fees run on the applicant's count of items to the agency in the calendar month
 * (国办函〔2020〕109号): each earlier application of the month is one item, or as many as its own
 * per-item fee notice counted.
 */
export async function countEarlierItemsInMonth(db: Executor, c: CaseRow): Promise<number> {
  const monthStart = `${c.receivedOn.slice(0, 7)}-01`;
  const items = sql<number>`coalesce((select (${caseEvents.payload}->>'quantity')::int from ${caseEvents}
    where ${caseEvents.caseId} = ${cases.id} and ${caseEvents.type} = 'ISSUE_FEE_NOTICE' and ${caseEvents.payload}->>'method' = 'per_item' limit 1), 1)`;
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${items}), 0)::int` })
    .from(cases)
    .where(
      and(
        eq(cases.applicantKey, c.applicantKey),
        eq(cases.agencyId, c.agencyId),
        gte(cases.receivedOn, monthStart),
        sql`${cases.receivedOn} < (${monthStart}::date + interval '1 month')`,
        lt(cases.id, c.id),
      ),
    );
  return row?.n ?? 0;
}

/**
 * For each new request, an earlier answered request of the same applicant to the same agency for
 * similar information: a likely repeat (art. 36(6)). Similarity is pg_trgm's, over the descriptions.
 * One statement for many requests; the result follows the input's order.
 */
export async function findLikelyRepeats(db: Executor, requests: { agencyId: number; applicantKey: string; description: string }[]): Promise<(number | null)[]> {
  if (!requests.length) return [];
  const values = requests.map((r, i) => ({ i, agency_id: r.agencyId, applicant_key: r.applicantKey, description: r.description }));
  // Only the applicant's 50 most recent answered requests to the agency are compared (a partial
  // index holds just those), so a prolific applicant does not make every submission slower.
  const rows = rowsOf<{ i: number; id: number | string | null }>(
    await db.execute(sql`
      select v.i, (
        select id from (
          select id, description from cases
          where applicant_key = v.applicant_key and agency_id = v.agency_id and state = 'answered'
          order by received_on desc limit 50
        ) recent
        where similarity(description, v.description) >= 0.5
        order by similarity(description, v.description) desc, id desc limit 1
      ) as id
      from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(i int, agency_id int, applicant_key text, description text)`),
  );
  const found = new Map(rows.map((r) => [Number(r.i), r.id === null ? null : Number(r.id)]));
  return requests.map((_, i) => found.get(i) ?? null);
}

/** Other applicants' requests to the agency for similar information (art. 44: consider publishing it). */
export async function findSimilarRequests(db: Executor, c: Pick<CaseRow, 'id' | 'agencyId' | 'applicantKey' | 'description'>, limit = 10) {
  return db
    .select({
      trackingNumber: cases.trackingNumber,
      state: cases.state,
      receivedOn: cases.receivedOn,
      description: sql<string>`left(${cases.description}, 120)`,
      similarity: sql<number>`similarity(${cases.description}, ${c.description})`,
    })
    .from(cases)
    .where(and(eq(cases.agencyId, c.agencyId), sql`${cases.applicantKey} <> ${c.applicantKey}`, sql`${cases.id} <> ${c.id}`, sql`${cases.description} % ${c.description}`))
    .orderBy(sql`similarity(${cases.description}, ${c.description}) desc`)
    .limit(limit);
}

export async function findCaseById(db: Executor, id: number): Promise<CaseRow | null> {
  const [row] = await db.select().from(cases).where(eq(cases.id, id));
  return row ?? null;
}

/** The tracking number of the case a form's one-time token filed, if it filed one. */
export async function findSubmission(db: Executor, token: string): Promise<string | null> {
  const [row] = await db
    .select({ trackingNumber: cases.trackingNumber })
    .from(submissionTokens)
    .innerJoin(cases, eq(cases.id, submissionTokens.caseId))
    .where(eq(submissionTokens.token, token));
  return row?.trackingNumber ?? null;
}

export async function recordSubmissions(tx: Executor, tokens: { token: string; caseId: number }[]): Promise<void> {
  await insertRows(tx, submissionTokens, tokens);
}
