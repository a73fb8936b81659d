// Intake (art. 29, 31): an application becomes a case with a tracking number, an access code for
// the applicant, a receipt date and a statutory due date, all in one transaction.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { holdSchedules } from '../calendar/calendar.repository.js';
import { today } from '../calendar/clock.js';
import { yearOf, type IsoDate } from '../calendar/dates.js';
import { workingDayOnOrAfter, type Calendar } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import { uniqueViolation, type Tx } from '../db/client.js';
import { createGroupCommit, type GroupCommit } from '../db/group-commit.js';
import type { ApplicantRecord } from '../db/schema.js';
import { validationFailed, type FieldMessages } from '../http/errors.js';
import { tryParse } from '../http/validation.js';
import { findAgencyBySlug, type AgencyRow } from '../agencies/agencies.repository.js';
import { canSeeAgency, type Principal } from '../staff/principal.js';
import { syncTimersOf } from '../timers/timers.repository.js';
import type { EventActor } from '../workflow/types.js';
import { startCase } from '../workflow/workflow.js';
import { applicantColumn, applicantRecord, applicationSchema, registrationExtras, type Application } from './application.schema.js';
import { checkUploads, type CheckedUpload, type Upload } from './attachments.js';
import { appendTimelineEntries, findCaseById, findLikelyRepeats, findSubmission, insertAttachments, insertCases, recordSubmissions, type CaseRow } from './cases.repository.js';
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

export type NewCaseArgs = {
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
};

/**
 * Inserts new cases with their first timeline entries, timers and intents (receipt letters,
 * acknowledgments), a statement per kind of row whatever their number. The caller's transaction holds
 * the schedules (holdSchedules) from its start, so no due date is computed from a schedule that is
 * being replaced. Returns the cases in the order of `list`.
 */
export async function createCaseRecords(tx: Tx, ctx: AppContext, list: NewCaseArgs[], calendar?: Calendar): Promise<CaseRow[]> {
  calendar ??= await ctx.calendar(tx);
  const started = list.map((a) => startCase({ receivedOn: a.receivedOn, calendar }));
  // A transferred application is the same request moving on, not a repeat of itself (art. 36(6)).
  const candidates = [...list.keys()].filter((i) => list[i]!.entryType !== 'TRANSFERRED_IN');
  const found = await findLikelyRepeats(tx, candidates.map((i) => ({ agencyId: list[i]!.agency.id, applicantKey: list[i]!.applicantKey, description: list[i]!.details.description })));
  const repeats = new Map(candidates.map((i, k) => [i, found[k]!]));
  const sequences = await ctx.numbers.drawEach(tx, 'tracking', list.map((a) => ({ agencyId: a.agency.id, year: yearOf(a.receivedOn) })));
  const at = ctx.clock.now();
  const on = today(ctx.clock);
  const values = list.map((a, i) => ({
    trackingNumber: formatTrackingNumber(a.agency.code, yearOf(a.receivedOn), sequences[i]!),
    agencyId: a.agency.id,
    accessCodeHash: a.accessCodeHash,
    channel: a.channel,
    state: started[i]!.snapshot.state,
    version: 1,
    snapshot: started[i]!.snapshot,
    receivedOn: a.receivedOn,
    dueOn: started[i]!.deadlines.answerDueOn,
    dueProvisional: started[i]!.deadlines.provisional,
    clockStopped: false,
    applicantColumn: applicantColumn(a.applicant),
    applicantName: a.applicant.name,
    applicant: a.applicant,
    applicantKey: a.applicantKey,
    ...a.details,
    transferredFromId: a.transferredFromId ?? null,
    possibleRepeatOfId: repeats.get(i) ?? null,
    createdAt: at,
    updatedAt: at,
  }));
  const byNumber = new Map((await insertCases(tx, values)).map((r) => [r.trackingNumber, r]));
  const rows = values.map((v) => byNumber.get(v.trackingNumber)!);
  for (const [i, row] of rows.entries()) await insertAttachments(tx, row.id, 'application', list[i]!.files, at);
  const seqs = await appendTimelineEntries(
    tx,
    rows.map((row, i) => ({
      caseId: row.id,
      type: list[i]!.entryType,
      on,
      at,
      actor: list[i]!.actor,
      stateAfter: row.state,
      dueOnAfter: row.dueOn,
      payload: { channel: row.channel, receivedOn: row.receivedOn, attachments: list[i]!.files.length, ...list[i]!.entryPayload },
    })),
  );
  await syncTimersOf(tx, rows.map((row, i) => ({ caseId: row.id, desired: started[i]!.timers, newCase: true })), at);
  await applyIntents(
    tx,
    ctx,
    rows.map((row, i) => ({ row, decision: started[i]!, seq: seqs[i]!, on, payload: list[i]!.entryPayload, accessCode: list[i]!.accessCode })),
    { agencies: list.map((a) => a.agency) },
  );
  return rows;
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

type Filing = { agency: AgencyRow; applicant: ApplicantRecord; details: CaseDetails; files: CheckedUpload[]; accessCode: string; arrivedOn: IsoDate; formToken?: string };

/** Online applications, many to a transaction when they arrive together (db/group-commit.ts). */
function fileApplications(ctx: AppContext, filings: Filing[]): Promise<CaseRow[]> {
  return ctx.db.transaction(async (tx) => {
    await holdSchedules(tx);
    const calendar = await ctx.calendar(tx);
    const rows = await createCaseRecords(
      tx,
      ctx,
      filings.map((f) => ({
        agency: f.agency,
        applicant: f.applicant,
        applicantKey: applicantKeyOf(f.applicant),
        details: f.details,
        channel: 'online',
        // Art. 31: received on the day it arrives if that is a working day, else the next one.
        receivedOn: workingDayOnOrAfter({ date: f.arrivedOn, calendar }).date,
        accessCodeHash: hashAccessCode(f.accessCode),
        accessCode: f.accessCode,
        files: f.files,
        actor: { kind: 'applicant' },
        entryType: 'SUBMITTED',
        entryPayload: {},
      })),
      calendar,
    );
    await recordSubmissions(tx, filings.flatMap((f, i) => (f.formToken ? [{ token: f.formToken, caseId: rows[i]!.id }] : [])));
    return rows;
  });
}

// Up to 50 applications per transaction, and on PostgreSQL two transactions at once; PGlite has one
// connection. Measured with `npm run bench:http` (README).
const filingQueues = new WeakMap<AppContext, GroupCommit<Filing, CaseRow>>();
function filingQueue(ctx: AppContext): GroupCommit<Filing, CaseRow> {
  let queue = filingQueues.get(ctx);
  if (!queue) {
    queue = createGroupCommit({ commit: (filings) => fileApplications(ctx, filings), maxItems: 50, concurrency: ctx.dbKind === 'postgres' ? 2 : 1 });
    filingQueues.set(ctx, queue);
  }
  return queue;
}

/**
 * An application filed online (POST /api/requests, /apply). A form's one-time token makes a second
 * submission of the same form find the first case instead of filing a second one.
 */
export async function submitApplication(ctx: AppContext, args: { input: unknown; uploads: Upload[]; formToken?: string }): Promise<Receipt> {
  const arrivedOn = today(ctx.clock);
  const { app, agency } = await validateApplication(ctx, args.input);
  const files = await checkUploads(args.uploads);
  const accessCode = generateAccessCode();
  const earlier = async () => {
    const caseId = args.formToken ? await findSubmission(ctx.db, args.formToken) : null;
    return caseId ? await findCaseById(ctx.db, caseId) : null;
  };
  const already = await earlier();
  if (already) throw new DuplicateSubmission(already.trackingNumber);
  const details = { description: app.description, documentNumber: app.documentNumber, purpose: app.purpose, format: app.format, delivery: app.delivery };
  const row = await filingQueue(ctx)
    .run({ agency, applicant: applicantRecord(app), details, files, accessCode, arrivedOn, formToken: args.formToken })
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
  const [row] = await ctx.db.transaction(async (tx) => {
    await holdSchedules(tx);
    return createCaseRecords(tx, ctx, [
      {
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
      },
    ]);
  });
  return toReceipt(row!, accessCode, agency);
}
