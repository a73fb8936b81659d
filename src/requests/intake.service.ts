// Intake (art. 29, 31): an application becomes a case with a tracking number, an access code for
// the applicant, a receipt date and a statutory due date, all in one transaction.
import { createHash } from 'node:crypto';
import { holdSchedules } from '../calendar/calendar.repository.js';
import { today } from '../calendar/clock.js';
import { yearOf, type IsoDate } from '../calendar/dates.js';
import { workingDayOnOrAfter, type Calendar } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import { uniqueViolation, type Tx } from '../db/client.js';
import { createGroupCommit, type GroupCommit } from '../db/group-commit.js';
import { pipelined } from '../db/pipelined.js';
import type { ApplicantRecord } from '../db/schema.js';
import { validationFailed, type AppError, type FieldMessages } from '../common/errors.js';
import { tryParse } from '../common/validation.js';
import { findAgenciesBySlugs, findAgencyBySlug, type AgencyRow } from '../agencies/agencies.repository.js';
import { canSeeAgency, staffActor, type Principal } from '../staff/principal.js';
import { syncTimersOf } from '../timers/timers.repository.js';
import type { EventActor } from '../workflow/types.js';
import { startCase } from '../workflow/workflow.js';
import { applicantColumn, applicantRecord, applicationSchema, RECEIVED_NEXT_WORKING_DAY, registrationExtras, type Application } from './application.schema.js';
import { checkUploads, type CheckedUpload, type Upload } from './attachments.js';
import { appendTimelineEntries, findLikelyRepeats, findSubmission, insertCases, recordSubmissions, type CaseRow } from './cases.repository.js';
import { insertAttachments } from './attachments.repository.js';
import { accessCodeDigest, generateAccessCode } from './access-codes.js';
import { fileNewCasesOnly } from './applicant-views.repository.js';
import { applyIntents, letterNumberOwners } from './intents.js';
import { applicantKeyOf, sealIdNumber } from './personal-data.js';
import { assertKeyCurrent, holdPersonalDataKey, keyRetired } from './personal-data.service.js';

export function formatTrackingNumber(agencyCode: string, year: number, sequence: number): string {
  return `${agencyCode}-${year}-${String(sequence).padStart(5, '0')}`;
}

export type CaseDetails = Pick<CaseRow, 'description' | 'documentNumber' | 'purpose' | 'format' | 'delivery' | 'suggestsPublication'>;

/** What of an application, or of the case it is transferred from, a case keeps besides the applicant. */
export const caseDetails = (from: CaseDetails): CaseDetails => ({
  description: from.description,
  documentNumber: from.documentNumber,
  purpose: from.purpose,
  format: from.format,
  delivery: from.delivery,
  suggestsPublication: from.suggestsPublication,
});

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
  const at = ctx.clock.now();
  const on = today(ctx.clock);
  // The repeat search, and the tracking and letter numbers (drawn in one statement, on a connection of
  // their own on PostgreSQL), go out together.
  const [found, numbers] = await pipelined([
    findLikelyRepeats(
      tx,
      candidates.map((i) => ({ agencyId: list[i]!.agency.id, applicantKey: list[i]!.applicantKey, description: list[i]!.details.description })),
    ),
    ctx.numbers.drawEach(tx, [
      ...list.map((a) => ({ series: 'tracking' as const, agencyId: a.agency.id, year: yearOf(a.receivedOn) })),
      ...letterNumberOwners(list.map((a, i) => ({ agencyId: a.agency.id, on, intents: started[i]!.intents }))),
    ]),
  ]);
  const repeats = new Map(candidates.map((i, k) => [i, found[k]!]));
  const sequences = numbers.slice(0, list.length);
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
    // 个人信息保护法 art. 28, 51: the identity number is stored sealed (a transferred case's already is).
    applicant: { ...a.applicant, idNumber: sealIdNumber(ctx.personalDataKey, a.applicant.idNumber) },
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
  const [seqs] = await pipelined([
    appendTimelineEntries(
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
    ),
    syncTimersOf(
      tx,
      rows.map((row, i) => ({ caseId: row.id, desired: started[i]!.timers, newCase: true })),
      at,
    ),
  ]);
  await applyIntents(
    tx,
    ctx,
    rows.map((row, i) => ({ row, decision: started[i]!, seq: seqs[i]!, on, payload: list[i]!.entryPayload, accessCode: list[i]!.accessCode })),
    { agencies: list.map((a) => a.agency), letterNumbers: numbers.slice(list.length) },
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

/** The API's `Idempotency-Key` header: 1–200 visible ASCII characters, else `refused`, to be reported with the fields' own mistakes. */
export function idempotencyKeyOf(header: string | string[] | undefined): { idempotencyKey?: string; refused: AppError | null } {
  if (header === undefined) return { refused: null };
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header))
    return { refused: validationFailed({ 'Idempotency-Key': 'Idempotency-Key 应为 1 至 200 个可见 ASCII 字符' }) };
  return { idempotencyKey: header, refused: null };
}

/**
 * The one-time token of an application sent to the API with an `Idempotency-Key`: the key bound to
 * what was sent, fields and files (by name and content), so that the same application sent again
 * with the same key (a retry after a lost answer or a 503) finds the first case, while another
 * application under the same key files anew: two clients that happen to choose one key never meet.
 * Kept apart from the page form's tokens. The identity number is left out of the hash: with a
 * guessable key and the case's other fields, a plain hash would let whoever reads the database
 * confirm guesses of it (see applicantKeyOf).
 */
function idempotencyToken(key: string, input: unknown, files: CheckedUpload[]): string {
  const sent = JSON.stringify(input, (name, value: unknown) => (name === 'idNumber' ? undefined : value));
  const hash = createHash('sha256').update(key).update('\n').update(sent);
  for (const file of files) hash.update(`\n${JSON.stringify(file.filename)}:${file.sha256}`);
  return `api:${hash.digest('base64url')}`;
}

const NO_AGENCY = '请选择受理申请的机关';

/**
 * The application's fields and the slug of the agency it is addressed to. The agency itself is looked
 * up by the caller; here only when something else is wrong too, so that every problem is reported at once.
 */
async function parseApplication(ctx: AppContext, input: unknown, extraFields: FieldMessages = {}): Promise<{ app: Application; slug: string }> {
  const parsed = tryParse(applicationSchema(today(ctx.clock)), input);
  const fields: FieldMessages = { ...(parsed.fields ?? {}), ...extraFields };
  const named = (input as { agency?: unknown } | null)?.agency;
  const slug = typeof named === 'string' ? named.trim() : '';
  if (!slug && !fields.agency) fields.agency = NO_AGENCY;
  if (!parsed.data || Object.keys(fields).length) {
    if (slug && !fields.agency && !(await findAgencyBySlug(ctx.db, slug))) fields.agency = NO_AGENCY;
    throw validationFailed(fields);
  }
  return { app: parsed.data, slug };
}

async function validateApplication(ctx: AppContext, input: unknown, extraFields: FieldMessages = {}): Promise<{ app: Application; agency: AgencyRow }> {
  const { app, slug } = await parseApplication(ctx, input, extraFields);
  const agency = await findAgencyBySlug(ctx.db, slug);
  if (!agency) throw validationFailed({ agency: NO_AGENCY });
  return { app, agency };
}

function toReceipt(row: CaseRow, accessCode: string, agency: AgencyRow): Receipt {
  return {
    trackingNumber: row.trackingNumber,
    accessCode,
    state: row.state,
    receivedOn: row.receivedOn,
    dueOn: row.dueOn,
    dueProvisional: row.dueProvisional,
    agency: agency.slug,
  };
}

type Filing = { agencySlug: string; applicant: ApplicantRecord; details: CaseDetails; files: CheckedUpload[]; accessCode: string; arrivedOn: IsoDate; formToken?: string };
type Filed = { row: CaseRow; agency: AgencyRow } | { refused: AppError };

/**
 * Online applications, many to a transaction when they arrive together (db/group-commit.ts). Their
 * agencies are read here, once for the group; one addressed to no (or a retired) agency is refused
 * alone.
 */
function fileApplications(ctx: AppContext, filings: Filing[]): Promise<Filed[]> {
  return ctx.db.transaction(async (tx) => {
    // The agencies are read with the lock (in one round trip); the calendar only once the lock is held.
    const [, current, found] = await pipelined([
      holdSchedules(tx),
      holdPersonalDataKey(tx, ctx),
      findAgenciesBySlugs(tx, [...new Set(filings.map((f) => f.agencySlug))]),
      fileNewCasesOnly(tx),
    ]);
    if (!current) return filings.map(() => ({ refused: keyRetired() }));
    const agencies = new Map(found.map((a) => [a.slug, a]));
    const accepted = filings.filter((f) => agencies.has(f.agencySlug));
    const calendar = await ctx.calendar(tx);
    const rows = accepted.length
      ? await createCaseRecords(
          tx,
          ctx,
          accepted.map((f) => ({
            agency: agencies.get(f.agencySlug)!,
            applicant: f.applicant,
            applicantKey: applicantKeyOf(ctx.personalDataKey, f.applicant),
            details: f.details,
            channel: 'online',
            // Art. 31: received on the day it arrives if that is a working day, else the next one.
            receivedOn: workingDayOnOrAfter({ date: f.arrivedOn, calendar }).date,
            accessCodeHash: accessCodeDigest(ctx.accessCodeKey, f.accessCode),
            accessCode: f.accessCode,
            files: f.files,
            actor: { kind: 'applicant' },
            entryType: 'SUBMITTED',
            entryPayload: {},
          })),
          calendar,
        )
      : [];
    await recordSubmissions(
      tx,
      accepted.flatMap((f, i) => (f.formToken ? [{ token: f.formToken, caseId: rows[i]!.id }] : [])),
    );
    let next = 0;
    return filings.map((f) => (agencies.has(f.agencySlug) ? { row: rows[next++]!, agency: agencies.get(f.agencySlug)! } : { refused: validationFailed({ agency: NO_AGENCY }) }));
  });
}

// Up to 50 applications (or 20 MB of attachments) per transaction, and on PostgreSQL two transactions
// at once; PGlite has one connection. Measured with `npm run bench:http` (README).
const filingQueues = new WeakMap<AppContext, GroupCommit<Filing, Filed>>();
function filingQueue(ctx: AppContext): GroupCommit<Filing, Filed> {
  let queue = filingQueues.get(ctx);
  if (!queue) {
    queue = createGroupCommit({
      commit: (filings) => fileApplications(ctx, filings),
      maxItems: 50,
      maxWeight: 20 * 1024 * 1024,
      weightOf: (f) => f.files.reduce((n, file) => n + file.size, 0),
      concurrency: ctx.dbKind === 'postgres' ? 2 : 1,
    });
    filingQueues.set(ctx, queue);
  }
  return queue;
}

/**
 * An application filed online (POST /api/requests, /apply). A form's one-time token makes a second
 * submission of the same form find the first case instead of filing a second one; the API's
 * `idempotencyKey` does the same for a client's retry (idempotencyToken). `refused`: what was
 * refused before the fields were checked (the form's files while it was read, too large or too many;
 * the API's Idempotency-Key); the fields are checked all the same, so that every mistake is reported
 * at once.
 */
export async function submitApplication(
  ctx: AppContext,
  args: { input: unknown; uploads: Upload[]; formToken?: string; idempotencyKey?: string; refused?: AppError | null },
): Promise<Receipt> {
  assertKeyCurrent(ctx);
  const arrivedOn = today(ctx.clock);
  const { app, slug } = await parseApplication(ctx, args.input, args.refused?.details.fields);
  if (args.refused) throw args.refused;
  const files = await checkUploads(args.uploads);
  const accessCode = generateAccessCode();
  const formToken = args.idempotencyKey === undefined ? args.formToken : idempotencyToken(args.idempotencyKey, args.input, files);
  const earlier = async () => (formToken ? await findSubmission(ctx.db, formToken) : null);
  const already = await earlier();
  if (already) throw new DuplicateSubmission(already);
  const details = caseDetails(app);
  const filed = await filingQueue(ctx)
    .run({ agencySlug: slug, applicant: applicantRecord(app), details, files, accessCode, arrivedOn, formToken })
    .catch(async (err) => {
      // The same form sent twice at the same moment: the second waited on the token and lost.
      const first = uniqueViolation(err) !== null ? await earlier() : null;
      if (first) throw new DuplicateSubmission(first);
      throw err;
    });
  if ('refused' in filed) throw filed.refused;
  return toReceipt(filed.row, accessCode, filed.agency);
}

/** An application a clerk received on paper, in person, by post, fax or e-mail (POST /api/cases). Art. 31: the receipt date is the clerk's. */
export async function registerApplication(ctx: AppContext, args: { principal: Principal; input: unknown; uploads: Upload[]; refused?: AppError | null }): Promise<Receipt> {
  assertKeyCurrent(ctx);
  const extras = tryParse(registrationExtras, args.input);
  const extraFields: FieldMessages = { ...(extras.fields ?? {}), ...args.refused?.details.fields };
  const now = today(ctx.clock);
  // A receipt date before last year is taken for a typo (2016 for 2026): it would number the case in
  // that year, file it overdue at once and change an annual report already published (art. 50).
  const lastYear = yearOf(now) - 1;
  const dated = extras.data?.receivedOn;
  if (dated && dated > now) extraFields.receivedOn = '收到申请的日期不能晚于今天';
  else if (dated && dated < `${lastYear}-01-01`) extraFields.receivedOn = `收到申请的日期不能早于 ${lastYear} 年 1 月 1 日`;
  const { app, agency } = await validateApplication(ctx, args.input, extraFields);
  if (args.refused) throw args.refused;
  if (!canSeeAgency(args.principal, agency.id)) throw validationFailed({ agency: '只能登记本机关收到的申请' });
  const { channel, receivedOn: arrivedOn } = extras.data!;
  const files = await checkUploads(args.uploads);
  const accessCode = generateAccessCode();
  const applicant = applicantRecord(app);
  const [row] = await ctx.db.transaction(async (tx) => {
    const [, current] = await pipelined([holdSchedules(tx), holdPersonalDataKey(tx, ctx), fileNewCasesOnly(tx)]);
    if (!current) throw keyRetired();
    const calendar = await ctx.calendar(tx);
    const receivedOn = RECEIVED_NEXT_WORKING_DAY.includes(channel) ? workingDayOnOrAfter({ date: arrivedOn, calendar }).date : arrivedOn;
    return createCaseRecords(
      tx,
      ctx,
      [
        {
          agency,
          applicant,
          applicantKey: applicantKeyOf(ctx.personalDataKey, applicant),
          details: caseDetails(app),
          channel,
          receivedOn,
          accessCodeHash: accessCodeDigest(ctx.accessCodeKey, accessCode),
          accessCode,
          files,
          actor: staffActor(args.principal, { agencyId: agency.id }),
          entryType: 'REGISTERED',
          // The receipt says when it arrived, if that was a day off and it counts from the next working day.
          entryPayload: receivedOn === arrivedOn ? {} : { arrivedOn },
        },
      ],
      calendar,
    );
  });
  return toReceipt(row!, accessCode, agency);
}
