// The applicant's view of a request: tracking number plus access code. An unknown number and a
// wrong code give the same answer, so neither can be probed.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { today } from '../calendar/clock.js';
import { toShanghaiIso, type IsoDate } from '../calendar/dates.js';
import { workingDayOnOrAfter, type Calendar } from '../calendar/working-days.js';
import { eventLabel, stateLabel } from '../cases/cases.service.js';
import type { AppContext } from '../context.js';
import { rowsOf, type Tx } from '../db/client.js';
import { notFound, ruleViolation } from '../http/errors.js';
import { parseInput } from '../http/validation.js';
import { DISPOSITIONS, isDisposition } from '../workflow/dispositions.js';
import { OPEN_STATES, type CaseState, type ClientEvent } from '../workflow/types.js';
import { accessCodeMatches } from './access-codes.js';
import { checkUploads, type Upload } from './attachments.js';
import { reasonsText } from './event.schemas.js';
import { findCase, findReasonsReplyBy, insertAttachments, lockCase, type CaseRow } from './cases.repository.js';
import { applyToLockedCase } from './workflow.service.js';

// Internal steps the applicant is not told about.
const INTERNAL = new Set(['ASSIGN', 'ID_REVEALED', 'REMINDER', 'REQUEST_EXTENSION', 'NOTE']);
// What of a timeline entry's payload the applicant may see.
const PUBLIC_PAYLOAD = ['to', 'from', 'agencyName', 'receivedOn', 'workingDays', 'disposition', 'paidOn', 'repliedOn'];

const NOT_FOUND_MESSAGE = '没有找到与该申请编号和查询码相符的申请，请核对后重试';

/** The row the code opens; otherwise the same 404 whether the number is unknown or the code wrong. */
function opened<T>(row: T | null | undefined, storedHash: string | undefined, accessCode: unknown): T {
  if (!accessCodeMatches(accessCode, storedHash) || !row) throw notFound('requests.not_found', NOT_FOUND_MESSAGE);
  return row;
}

const normalized = (trackingNumber: string) => String(trackingNumber ?? '').trim().toUpperCase();

export async function findTrackedCase(ctx: AppContext, trackingNumber: string, accessCode: string): Promise<CaseRow> {
  // A NUL (from a forged receipt cookie; requests are refused with one) is in no case's number and cannot be sent to the database.
  const row = trackingNumber.includes('\u0000') ? null : await findCase(ctx.db, normalized(trackingNumber));
  return opened(row, row?.accessCodeHash, accessCode);
}

type Bundle = {
  id: number | string;
  access_code_hash: string;
  tracking_number: string;
  state: string;
  received_on: string;
  due_on: string | null;
  due_provisional: boolean;
  clock_stopped: boolean;
  disposition: string | null;
  concluded_on: string | null;
  agency_slug: string;
  agency_name: string;
  /** The last day to correct the application (art. 30) or to pay the fee, while the agency waits for it. */
  applicant_due_on: string | null;
  timeline: { type: string; on: string; at: string; state: string; dueOn: string | null; payload: Record<string, unknown> }[];
  files: { id: string; filename: string; size: number; mime: string }[];
  letters: { id: number; kind: string; title: string; documentNumber: string; issuedOn: string; text: string }[];
};

/** Everything the applicant may see of a case, in one round trip: it is the most frequent public request. */
async function loadBundle(ctx: AppContext, trackingNumber: string): Promise<Bundle | null> {
  const rows = rowsOf<Bundle>(
    await ctx.db.execute(sql`
      select c.id, c.access_code_hash, c.tracking_number, c.state, c.received_on::text, c.due_on::text, c.due_provisional,
        c.clock_stopped, c.disposition, c.concluded_on::text, a.slug as agency_slug, a.name as agency_name,
        case when c.state in ('awaiting_correction', 'awaiting_payment') then (select t.due_on::text from timers t where t.case_id = c.id and t.status = 'pending'
          and t.kind = case c.state when 'awaiting_correction' then 'correction_due' else 'payment_due' end) end as applicant_due_on,
        coalesce((select json_agg(json_build_object('type', e.type, 'on', e."on", 'at', e.at, 'state', e.state_after, 'dueOn', e.due_on_after,
          'payload', e.payload) order by e.seq) from case_events e where e.case_id = c.id), '[]') as timeline,
        coalesce((select json_agg(json_build_object('id', f.id, 'filename', f.filename, 'size', f.size, 'mime', f.mime) order by f.created_at, f.filename)
          from attachments f where f.case_id = c.id and f.role = 'released'), '[]') as files,
        coalesce((select json_agg(json_build_object('id', l.id, 'kind', l.kind, 'title', l.title, 'documentNumber', l.document_number,
          'issuedOn', l.issued_on, 'text', l.body_text) order by l.id) from letters l where l.case_id = c.id and l.recipient = 'applicant'), '[]') as letters
      from cases c join agencies a on a.id = c.agency_id
      where c.tracking_number = ${trackingNumber}`),
  );
  return rows[0] ?? null;
}

export type PublicView = Awaited<ReturnType<typeof lookupRequest>>;

/**
 * Art. 35: the agency asked for reasons and none have come. Read from the timeline the lookup loads
 * anyway; only then is the date read from the case (the lookup is the most frequent request).
 */
function reasonsAwaited(timeline: Bundle['timeline']): boolean {
  let awaited = false;
  for (const e of timeline) {
    if (e.type === 'REQUEST_REASONS') awaited = true;
    else if (e.type === 'REASONS_GIVEN') awaited = false;
  }
  return awaited;
}

/** The applicant's view (GET /api/requests/:tn, /track): the same 404 for an unknown number and a wrong code. */
export async function lookupRequest(ctx: AppContext, args: { trackingNumber: string; accessCode: string }) {
  const loaded = await loadBundle(ctx, normalized(args.trackingNumber));
  const b = opened(loaded, loaded?.access_code_hash, args.accessCode);
  return {
    trackingNumber: b.tracking_number,
    agency: { slug: b.agency_slug, name: b.agency_name },
    state: b.state,
    stateLabel: stateLabel(b.state),
    receivedOn: b.received_on,
    dueOn: b.due_on,
    dueProvisional: b.due_provisional,
    clockStopped: b.clock_stopped,
    disposition: b.disposition,
    dispositionLabel: isDisposition(b.disposition) ? DISPOSITIONS[b.disposition].label : null,
    concludedOn: b.concluded_on,
    timeline: b.timeline
      .filter((e) => !INTERNAL.has(e.type))
      .map((e) => ({
        type: e.type,
        label: eventLabel(e.type),
        on: e.on,
        at: toShanghaiIso(new Date(e.at)),
        state: e.state,
        dueOn: e.dueOn,
        details: Object.fromEntries(PUBLIC_PAYLOAD.filter((k) => k in e.payload).map((k) => [k, e.payload[k]])),
      })),
    letters: b.letters,
    releasedFiles: b.files,
    /** What the applicant must do by when, or the request is no longer processed: correct it (art. 30) or pay the fee (国办函〔2020〕109号). */
    correctionDueOn: b.state === 'awaiting_correction' ? b.applicant_due_on : null,
    paymentDueOn: b.state === 'awaiting_payment' ? b.applicant_due_on : null,
    /** Art. 35: the agency awaits the applicant's reasons, by this date. */
    reasonsRequested: OPEN_STATES.includes(b.state as CaseState) && reasonsAwaited(b.timeline) ? { replyBy: await findReasonsReplyBy(ctx.db, Number(b.id)) } : null,
  };
}

/**
 * One step the applicant takes on a request opened with its code: a workflow event by the applicant,
 * dated today, on the locked case; `alsoWrite` runs once the workflow has accepted it. A wrong code
 * gets the lookup's 404 and a refused step 409, and either leaves nothing written.
 */
async function applicantStep(
  ctx: AppContext,
  args: { trackingNumber: string; accessCode: string },
  step: (on: IsoDate, calendar: Calendar) => { event: ClientEvent; payload: Record<string, unknown> },
  alsoWrite?: (tx: Tx, row: CaseRow) => Promise<void>,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const locked = await lockCase(tx, { trackingNumber: normalized(args.trackingNumber) });
    const row = opened(locked, locked?.accessCodeHash, args.accessCode);
    const on = today(ctx.clock);
    const { event, payload } = step(on, await ctx.calendar(tx));
    const result = await applyToLockedCase(tx, ctx, { row, event: { ...event, on, actor: { kind: 'applicant' } }, payload });
    if (!result.decision.ok) throw ruleViolation(result.decision.rule, result.decision.message);
    await alsoWrite?.(tx, row);
  });
}


const withdrawalSchema = z.object({ reason: z.string().trim().max(1000, '撤回理由不超过1000字').default('') });

/**
 * The applicant withdraws the request online: the case is closed and no longer processed (counted
 * under 其他 in the annual report). A concluded request cannot be withdrawn (409).
 */
export async function withdrawByApplicant(ctx: AppContext, args: { trackingNumber: string; accessCode: string; input: unknown }): Promise<void> {
  const { reason } = parseInput(withdrawalSchema, args.input ?? {});
  await applicantStep(ctx, args, () => ({ event: { type: 'WITHDRAW', reason }, payload: { reason } }));
}

const correctionSchema = z.object({
  text: z.string({ error: '请填写补正内容' }).trim().min(1, '请填写补正内容').max(5000, '补正内容不超过5000字'),
});

/**
 * The applicant corrects the application online, as the 补正告知书 asked (art. 30): what was unclear,
 * in words, and any documents. The 20 working days run again from the day it is received. Outside
 * the correction period (409) nothing is kept, files included.
 */
export async function correctByApplicant(ctx: AppContext, args: { trackingNumber: string; accessCode: string; input: unknown; uploads: Upload[] }): Promise<void> {
  const { text } = parseInput(correctionSchema, args.input ?? {});
  const files = await checkUploads(args.uploads);
  await applicantStep(
    ctx,
    args,
    (on, calendar) => {
      // Art. 31: sent online, received the day it arrives, or the next working day.
      const receivedOn = workingDayOnOrAfter({ date: on, calendar }).date;
      return { event: { type: 'CORRECTION_RECEIVED', receivedOn }, payload: { receivedOn, text, attachments: files.length } };
    },
    async (tx, row) => {
      if (files.length) await insertAttachments(tx, row.id, 'correction', files, ctx.clock.now());
    },
  );
}

const reasonsSchema = z.object({ text: reasonsText });

/**
 * The applicant explains the requests, as the 说明理由告知书 asked (art. 35), once. The answer period
 * runs on; the agency decides whether the reasons hold.
 */
export async function explainByApplicant(ctx: AppContext, args: { trackingNumber: string; accessCode: string; input: unknown }): Promise<void> {
  const { text } = parseInput(reasonsSchema, args.input ?? {});
  await applicantStep(ctx, args, (on, calendar) => {
    // Art. 31: sent online, received the day it arrives, or the next working day.
    const receivedOn = workingDayOnOrAfter({ date: on, calendar }).date;
    return { event: { type: 'REASONS_GIVEN', receivedOn }, payload: { receivedOn, text } };
  });
}
