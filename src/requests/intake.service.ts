// Intake (art. 29, 31): an application becomes a case with a tracking number, an access code for
// the applicant, a receipt date and a statutory due date, all in one transaction.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { holdSchedules } from '../calendar/calendar.repository.js';
import { today } from '../calendar/clock.js';
import { yearOf, type IsoDate } from '../calendar/dates.js';
import { workingDayOnOrAfter, type Calendar } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import { uniqueViolation, type Tx } from '../db/client.js';
import type { ApplicantRecord } from '../db/schema.js';
import { validationFailed, type FieldMessages } from '../http/errors.js';
import { tryParse } from '../http/validation.js';
import { findAgencyBySlug, type AgencyRow } from '../agencies/agencies.repository.js';
import { canSeeAgency, type Principal } from '../staff/principal.js';
import { syncTimers } from '../timers/timers.repository.js';
import type { EventActor } from '../workflow/types.js';
import { startCase } from '../workflow/workflow.js';
import { applicantColumn, applicantRecord, applicationSchema, registrationExtras, type Application } from './application.schema.js';
import { checkUploads, type CheckedUpload, type Upload } from './attachments.js';
import { appendTimeline, findCaseById, findLikelyRepeat, findSubmission, insertAttachments, insertCase, recordSubmission, type CaseRow } from './cases.repository.js';
import { applyIntents } from './intents.js';

// No 0/O, 1/I/L: the code is read aloud and typed from paper.
const ACCESS_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const ACCESS_LENGTH = 8;

export function generateAccessCode(): string {
  let code = '';
  for (let i = 0; i < ACCESS_LENGTH; i += 1) code += ACCESS_ALPHABET[randomInt(ACCESS_ALPHABET.length)];
  return code;
}

export const hashAccessCode = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

/** Without a stored hash (unknown number) the code is hashed all the same, so both failures take the same time. */
export function accessCodeMatches(code: unknown, storedHash: string | undefined): boolean {
  const hash = Buffer.from(hashAccessCode(String(code ?? '')), 'hex');
  return storedHash !== undefined && timingSafeEqual(hash, Buffer.from(storedHash, 'hex'));
}

export const applicantKeyOf = (a: ApplicantRecord) => createHash('sha256').update(`${a.idType}:${a.idNumber}`).digest('hex');

export function formatTrackingNumber(agencyCode: string, year: number, sequence: number): string {
  return `${agencyCode}-${year}-${String(sequence).padStart(5, '0')}`;
}

export type CaseDetails = Pick<CaseRow, 'description' | 'documentNumber' | 'purpose' | 'format' | 'delivery'>;

/**
 * Inserts a new case with its first timeline entry, timers and intents (receipt letter, acknowledgment).
 * The caller's transaction holds the schedules (holdSchedules) from its start, so the due date cannot
 * be computed from a schedule that is being replaced.
 */
export async function createCaseRecord(
  tx: Tx,
  ctx: AppContext,
  args: {
    agency: AgencyRow;
    applicant: ApplicantRecord;
    applicantKey: string;
    details: CaseDetails;
    channel: string;
    receivedOn: IsoDate;
    accessCodeHash: string;
    /** The plain code, when the applicant is to receive it by mail (never stored). */
    accessCode?: string;
    files: CheckedUpload[];
    actor: EventActor;
    entryType: 'SUBMITTED' | 'REGISTERED' | 'TRANSFERRED_IN';
    entryPayload: Record<string, unknown>;
    transferredFromId?: number;
    calendar?: Calendar;
  },
): Promise<CaseRow> {
  const calendar = args.calendar ?? (await ctx.calendar(tx));
  const started = startCase({ receivedOn: args.receivedOn, calendar });
  const possibleRepeatOfId =
    args.entryType === 'TRANSFERRED_IN' ? null : await findLikelyRepeat(tx, { agencyId: args.agency.id, applicantKey: args.applicantKey, description: args.details.description });
  const sequence = await ctx.numbers.draw(tx, { agencyId: args.agency.id, year: yearOf(args.receivedOn), series: 'tracking' });
  const at = ctx.clock.now();
  const row = await insertCase(tx, {
    trackingNumber: formatTrackingNumber(args.agency.code, yearOf(args.receivedOn), sequence),
    agencyId: args.agency.id,
    accessCodeHash: args.accessCodeHash,
    channel: args.channel,
    state: started.snapshot.state,
    version: 1,
    snapshot: started.snapshot,
    receivedOn: args.receivedOn,
    dueOn: started.deadlines.answerDueOn,
    dueProvisional: started.deadlines.provisional,
    clockStopped: false,
    applicantColumn: applicantColumn(args.applicant),
    applicantName: args.applicant.name,
    applicant: args.applicant,
    applicantKey: args.applicantKey,
    ...args.details,
    transferredFromId: args.transferredFromId ?? null,
    possibleRepeatOfId,
    createdAt: at,
    updatedAt: at,
  });
  await insertAttachments(tx, row.id, 'application', args.files, at);
  const seq = await appendTimeline(tx, {
    caseId: row.id,
    type: args.entryType,
    on: today(ctx.clock),
    at,
    actor: args.actor,
    stateAfter: row.state,
    dueOnAfter: row.dueOn,
    payload: { channel: args.channel, receivedOn: args.receivedOn, attachments: args.files.length, ...args.entryPayload },
  });
  await syncTimers(tx, row.id, started.timers, at, { newCase: true });
  await applyIntents(tx, ctx, [{ row, decision: started, seq, on: today(ctx.clock), payload: args.entryPayload, accessCode: args.accessCode }], { agency: args.agency });
  return row;
}

export type Receipt = { trackingNumber: string; accessCode: string; state: string; receivedOn: IsoDate; dueOn: IsoDate | null; dueProvisional: boolean; agency: string };

/** The same form sent twice (a double click, a resent page): the first submission's tracking number. */
export class DuplicateSubmission extends Error {
  constructor(readonly trackingNumber: string) {
    super('this form was already submitted');
  }
}

async function validateApplication(ctx: AppContext, input: unknown, extraFields: FieldMessages = {}): Promise<{ app: Application; agency: AgencyRow }> {
  const parsed = tryParse(applicationSchema(today(ctx.clock)), input);
  const fields: FieldMessages = { ...(parsed.fields ?? {}), ...extraFields };
  const slug = (input as { agency?: unknown } | null)?.agency;
  const agency = typeof slug === 'string' && slug.trim() ? await findAgencyBySlug(ctx.db, slug.trim()) : null;
  if (!agency && !fields.agency) fields.agency = '请选择受理申请的机关';
  if (!parsed.data || !agency || Object.keys(fields).length) throw validationFailed(fields);
  return { app: parsed.data, agency };
}

function toReceipt(row: CaseRow, accessCode: string, agency: AgencyRow): Receipt {
  return { trackingNumber: row.trackingNumber, accessCode, state: row.state, receivedOn: row.receivedOn, dueOn: row.dueOn, dueProvisional: row.dueProvisional, agency: agency.slug };
}

/**
 * An application filed online (POST /api/requests, /apply). Art. 31: received on the day it arrives if
 * that is a working day, else the next one. A form's one-time token makes a second submission of the
 * same form find the first case instead of filing a second one.
 */
export async function submitApplication(ctx: AppContext, args: { input: unknown; uploads: Upload[]; formToken?: string }): Promise<Receipt> {
  const { app, agency } = await validateApplication(ctx, args.input);
  const files = await checkUploads(args.uploads);
  const accessCode = generateAccessCode();
  const applicant = applicantRecord(app);
  const earlier = async () => {
    const caseId = args.formToken ? await findSubmission(ctx.db, args.formToken) : null;
    return caseId ? await findCaseById(ctx.db, caseId) : null;
  };
  const already = await earlier();
  if (already) throw new DuplicateSubmission(already.trackingNumber);
  const row = await ctx.db
    .transaction(async (tx) => {
      await holdSchedules(tx);
      const calendar = await ctx.calendar(tx);
      const created = await createCaseRecord(tx, ctx, {
        agency,
        applicant,
        applicantKey: applicantKeyOf(applicant),
        details: { description: app.description, documentNumber: app.documentNumber, purpose: app.purpose, format: app.format, delivery: app.delivery },
        channel: 'online',
        receivedOn: workingDayOnOrAfter({ date: today(ctx.clock), calendar }).date,
        accessCodeHash: hashAccessCode(accessCode),
        accessCode,
        files,
        actor: { kind: 'applicant' },
        entryType: 'SUBMITTED',
        entryPayload: {},
        calendar,
      });
      if (args.formToken) await recordSubmission(tx, args.formToken, created.id);
      return created;
    })
    .catch(async (err) => {
      // The same form sent twice at the same moment: the second waited on the token and lost.
      const first = uniqueViolation(err) !== null ? await earlier() : null;
      if (first) throw new DuplicateSubmission(first.trackingNumber);
      throw err;
    });
  return toReceipt(row, accessCode, agency);
}

/** An application a clerk received on paper, in person, by post, fax or e-mail (POST /api/cases). Art. 31: the receipt date is the clerk's. */
export async function registerApplication(ctx: AppContext, args: { principal: Principal; input: unknown; uploads: Upload[] }): Promise<Receipt> {
  const extras = tryParse(registrationExtras, args.input);
  const extraFields: FieldMessages = { ...(extras.fields ?? {}) };
  const now = today(ctx.clock);
  if (extras.data && extras.data.receivedOn > now) extraFields.receivedOn = '收到申请的日期不能晚于今天';
  const { app, agency } = await validateApplication(ctx, args.input, extraFields);
  if (!canSeeAgency(args.principal, agency.id)) throw validationFailed({ agency: '只能登记本机关收到的申请' });
  const { channel, receivedOn } = extras.data!;
  const files = await checkUploads(args.uploads);
  const accessCode = generateAccessCode();
  const applicant = applicantRecord(app);
  const row = await ctx.db.transaction(async (tx) => {
    await holdSchedules(tx);
    return createCaseRecord(tx, ctx, {
      agency,
      applicant,
      applicantKey: applicantKeyOf(applicant),
      details: { description: app.description, documentNumber: app.documentNumber, purpose: app.purpose, format: app.format, delivery: app.delivery },
      channel,
      receivedOn,
      accessCodeHash: hashAccessCode(accessCode),
      accessCode,
      files,
      actor: { kind: 'staff', id: args.principal.id, role: args.principal.role },
      entryType: 'REGISTERED',
      entryPayload: {},
    });
  });
  return toReceipt(row, accessCode, agency);
}
