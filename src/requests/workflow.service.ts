// Applying workflow events: staff actions and timer events alike go through applyToLockedCases, in
// the caller's transaction. No mail is sent here; intents become letters and outbox rows (intents.ts).
import { holdSchedules } from '../calendar/calendar.repository.js';
import { today } from '../calendar/clock.js';
import { workingDayOnOrAfter } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { notFound, ruleViolation, staleVersion, validationFailed } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { canSeeAgency, staffActor, type Principal } from '../staff/principal.js';
import { findAgencyById, findAgencyBySlug } from '../agencies/agencies.repository.js';
import { findStaffByEmail, findStaffById } from '../staff/staff.repository.js';
import { syncTimersOf } from '../timers/timers.repository.js';
import type { ClientEvent, EarlierCase, EventActor, TimelineType, WorkflowEvent } from '../workflow/types.js';
import { decide, isDraftedBy, parseSnapshot, type Decision } from '../workflow/workflow.js';
import { draftedPayload, moveDraftFiles } from './drafts.repository.js';
import { findLetter, listLetters, listLetterTexts } from '../letters/letters.repository.js';
import { applyIntents } from './intents.js';
import { clientEventSchema, expectedVersionSchema, type ClientEventInput } from './event.schemas.js';
import { checkUploads, type Upload } from './attachments.js';
import { appendTimelineEntries, countEarlierItemsInMonth, findCase, lockCase, updateCases, type CaseRow } from './cases.repository.js';
import { changeAttachmentRoles, insertAttachments } from './attachments.repository.js';
import { caseDetails, createCaseRecords } from './intake.service.js';
import { applicantKeyOf, isSealed } from './personal-data.js';
import { holdPersonalDataKey, keyRetired } from './personal-data.service.js';

type Accepted = Extract<Decision, { ok: true }>;

/** The case columns that follow from a decision. */
function caseColumns(decision: Accepted, version: number, at: Date) {
  const { state, context } = decision.snapshot;
  return {
    state,
    version,
    snapshot: decision.snapshot,
    dueOn: decision.deadlines.answerDueOn,
    dueProvisional: decision.deadlines.provisional,
    clockStopped: decision.deadlines.clockStopped,
    assigneeId: context.assignee,
    disposition: context.outcome?.disposition ?? null,
    concludedOn: context.outcome?.concludedOn ?? null,
    feeAmountYuan: context.fee?.amountYuan ?? null,
    feeNoticeOn: context.fee?.noticeOn ?? null,
    feePaidOn: context.fee?.paidOn ?? null,
    pendingDraft: context.pendingDraft?.event.type ?? null,
    awaitingService: decision.deadlines.awaitingService,
    updatedAt: at,
  };
}

export type EventItem = { row: CaseRow; event: WorkflowEvent; payload: Record<string, unknown> };

/**
 * The one place workflow events become rows. For cases the caller has locked (one event per case):
 * decide each, then write every accepted decision together — case rows (new version), timeline
 * entries, timers, letters and outbox mail — in a handful of statements, whether for one staff action
 * or a sweep of thousands. Refused events change nothing and come back with the rule they broke.
 */
export async function applyToLockedCases(tx: Tx, ctx: AppContext, items: EventItem[]): Promise<{ decision: Decision; row: CaseRow }[]> {
  const calendar = await ctx.calendar(tx);
  const at = ctx.clock.now();
  const decided = items.map((item) => ({ item, decision: decide({ snapshot: parseSnapshot(item.row.snapshot), event: item.event, calendar }) }));
  const accepted = decided.filter((d): d is { item: EventItem; decision: Accepted } => d.decision.ok);
  const updated = new Map<EventItem, CaseRow>(accepted.map(({ item, decision }) => [item, { ...item.row, ...caseColumns(decision, item.row.version + 1, at) }]));
  if (accepted.length) {
    const rows = accepted.map(({ item }) => updated.get(item)!);
    await updateCases(tx, rows);
    // A draft is recorded as DRAFTED; a sign-off as SIGN_OFF followed by the decision it issued.
    const entries = accepted.flatMap(({ item, decision }, k) => {
      const entry = (type: TimelineType, payload: Record<string, unknown>) => ({
        caseId: item.row.id,
        type,
        on: item.event.on,
        at,
        actor: item.event.actor,
        stateAfter: decision.snapshot.state,
        dueOnAfter: rows[k]!.dueOn,
        payload,
      });
      if (decision.drafted) return [entry('DRAFTED', { decision: decision.drafted.event.type, ...item.payload })];
      if (decision.reviewed) return [entry('REVIEWED', { decision: decision.reviewed.event.type })];
      if (decision.signed) {
        const { event, draftedBy } = decision.signed;
        return [entry('SIGN_OFF', { decision: event.type, draftedBy }), entry(event.type, { ...item.payload, draftedBy })];
      }
      return [entry(item.event.type, item.payload)];
    });
    const allSeqs = await appendTimelineEntries(tx, entries);
    // The intents belong to each case's last entry: the decision.
    let next = 0;
    const seqs = accepted.map(({ decision }) => {
      next += decision.signed ? 2 : 1;
      return allSeqs[next - 1]!;
    });
    await syncTimersOf(
      tx,
      accepted.map(({ item, decision }) => ({ caseId: item.row.id, desired: decision.timers })),
      at,
    );
    await applyIntents(
      tx,
      ctx,
      accepted.map(({ item, decision }, k) => ({ row: rows[k]!, decision, seq: seqs[k]!, on: item.event.on, payload: item.payload })),
    );
  }
  return decided.map(({ item, decision }) => ({ decision, row: updated.get(item) ?? item.row }));
}

/** One event on one locked case. */
export async function applyToLockedCase(tx: Tx, ctx: AppContext, item: EventItem) {
  return (await applyToLockedCases(tx, ctx, [item]))[0]!;
}

/** Turns a client's event into a complete workflow event: who, which staff or agency, counts the rule needs. */
async function resolveEvent(tx: Tx, row: CaseRow, input: ClientEventInput, on: string): Promise<{ event: ClientEvent; payload: Record<string, unknown> }> {
  switch (input.type) {
    case 'ASSIGN': {
      const assignee = typeof input.assignee === 'number' ? await findStaffById(tx, input.assignee) : await findStaffByEmail(tx, input.assignee);
      if (!assignee || assignee.disabledAt || (assignee.agencyId !== row.agencyId && assignee.role !== 'admin')) {
        throw validationFailed({ assignee: '本机关没有这个工作人员' });
      }
      return { event: { type: input.type, assignee: assignee.id }, payload: { assignee: assignee.id, assigneeName: assignee.name } };
    }
    case 'TRANSFER': {
      const agency = await findAgencyBySlug(tx, input.agency);
      if (!agency) throw validationFailed({ agency: '没有这个机关' });
      if (agency.id === row.agencyId) throw validationFailed({ agency: '不能转送给本机关' });
      // Art. 36(5) asks for the reason; a client that gives none states the one its choice implies.
      const reason = input.reason || `根据职责分工，该政府信息由${agency.name}负责公开。`;
      return { event: { type: input.type, agency: agency.slug, agencyName: agency.name, reason }, payload: { agency: agency.slug, agencyName: agency.name, reason } };
    }
    case 'ISSUE_FEE_NOTICE': {
      const itemsEarlierInMonth = input.method === 'per_item' ? await countEarlierItemsInMonth(tx, row) : 0;
      const event = { type: input.type, method: input.method, quantity: input.quantity, itemsEarlierInMonth };
      return { event, payload: { ...event } };
    }
    case 'CORRECTION_RECEIVED': {
      const event = { type: input.type, receivedOn: input.receivedOn ?? on, text: input.text };
      return { event, payload: { receivedOn: event.receivedOn, ...(input.text ? { text: input.text } : {}) } };
    }
    case 'REOPEN': {
      const event = { type: input.type, reason: input.reason, receivedOn: input.receivedOn ?? on, text: input.text };
      return { event, payload: { ...event, type: undefined } };
    }
    case 'THIRD_PARTY_REPLIED': {
      const event = { type: input.type, opinion: input.opinion, reasons: input.reasons, repliedOn: input.repliedOn ?? on };
      return { event, payload: { opinion: event.opinion, reasons: event.reasons, repliedOn: event.repliedOn } };
    }
    case 'REASONS_GIVEN': {
      const event = { type: input.type, receivedOn: input.receivedOn ?? on };
      return { event, payload: { receivedOn: event.receivedOn, text: input.text } };
    }
    case 'FEE_PAID':
      return { event: { type: input.type, paidOn: input.paidOn ?? on }, payload: { paidOn: input.paidOn ?? on } };
    case 'CORRECT_LETTER': {
      const letter = await findLetter(tx, row.id, input.letter);
      if (!letter || letter.recipient !== 'applicant') throw validationFailed({ letter: '本申请没有这份发给申请人的文书' });
      const original = { kind: letter.kind, title: letter.title, documentNumber: letter.documentNumber, issuedOn: letter.issuedOn };
      const event = { type: input.type, letterId: letter.id, action: input.action, reason: input.reason, correction: input.correction, original };
      return { event, payload: { letterId: letter.id, action: input.action, reason: input.reason, correction: input.correction, original } };
    }
    case 'ANSWER': {
      const { type: _, earlierCase: named, ...details } = input;
      const earlierCase = named ? await describeEarlierCase(tx, row, named) : null;
      const payload = { ...details, ...(earlierCase ? { earlierCase: earlierCase.trackingNumber, earlierAnsweredOn: earlierCase.answeredOn } : {}) };
      return { event: { type: input.type, ...details, earlierCase }, payload };
    }
    default: {
      const { type: _, ...rest } = input;
      return { event: input, payload: rest };
    }
  }
}

/**
 * Art. 36(6): what the duplicate rule must know of the earlier request an answer names — whether it is
 * the same applicant's (the same applicant key), at the same agency, and answered (and when).
 */
async function describeEarlierCase(tx: Tx, row: CaseRow, trackingNumber: string): Promise<EarlierCase> {
  const earlier = await findCase(tx, trackingNumber.toUpperCase());
  if (!earlier || earlier.id === row.id) return { trackingNumber, sameApplicant: false, sameAgency: false, answeredOn: null };
  return {
    trackingNumber: earlier.trackingNumber,
    sameApplicant: earlier.applicantKey === row.applicantKey,
    sameAgency: earlier.agencyId === row.agencyId,
    answeredOn: earlier.state === 'answered' ? earlier.concludedOn : null,
  };
}

/** A staff member's action on a case (POST /api/cases/:tn/events); an answer may release files to the applicant. */
type StaffEventArgs = { trackingNumber: string; principal: Principal; input: unknown; uploads?: Upload[] };

export async function applyStaffEvent(ctx: AppContext, args: StaffEventArgs): Promise<CaseRow> {
  return decideStaffEvent(ctx, args, {});
}

export type PreviewLetter = { kind: string; title: string; documentNumber: string; issuedOn: string; recipient: string; bodyHtml: string };

class Preview extends Error {
  constructor(readonly letters: PreviewLetter[]) {
    super('preview');
  }
}

/** A letter number is drawn at sign-off; a preview says so where it will stand. */
export const NUMBER_AT_SIGN_OFF = 0;

/**
 * The letters an action would issue if it were signed now, exactly as they would read, numbered at
 * sign-off: the action is carried out as the office head's in a transaction that is then rolled
 * back, so nothing is written and no number is used. For the confirmation before an action, and for
 * the office head reading a draft (input `{ type: 'SIGN_OFF' }`).
 */
export async function previewStaffEvent(ctx: AppContext, args: StaffEventArgs): Promise<PreviewLetter[]> {
  const dry: AppContext = { ...ctx, numbers: { drawEach: async (_tx, owners) => owners.map(() => NUMBER_AT_SIGN_OFF) } };
  try {
    await decideStaffEvent(dry, args, { preview: true });
  } catch (err) {
    if (err instanceof Preview) return err.letters;
    throw err;
  }
  throw new Error('previewStaffEvent: the transaction was not rolled back');
}

async function decideStaffEvent(ctx: AppContext, args: StaffEventArgs, mode: { preview?: boolean }): Promise<CaseRow> {
  const input = parseInput(clientEventSchema, args.input);
  const { expectedVersion } = parseInput(expectedVersionSchema, args.input);
  const uploads = args.uploads ?? [];
  if (uploads.length && input.type !== 'ANSWER') throw validationFailed({ attachments: '只有作出答复时可以随附文件' });
  const released = await checkUploads(uploads);
  return ctx.db.transaction(async (tx) => {
    // A sign-off issues the decision drafted, and takes the locks that decision takes.
    const deciding = input.type === 'SIGN_OFF' ? await draftedType(tx, args.trackingNumber) : input.type;
    // A transfer files a case at the receiving agency: schedules first (calendar.repository.ts), then
    // the key it may seal the number with (personal-data.service.ts), then the case.
    let keyCurrent = true;
    if (deciding === 'TRANSFER') {
      await holdSchedules(tx);
      keyCurrent = await holdPersonalDataKey(tx, ctx);
    }
    const row = await lockCase(tx, { trackingNumber: args.trackingNumber });
    if (!row || !canSeeAgency(args.principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
    if (expectedVersion !== undefined && expectedVersion !== row.version) throw staleVersion();
    const asStaff = staffActor(args.principal, row);
    // A preview shows the decision as signed: as the office head of the case's agency would make it
    // (whoever looks: a clerk before drafting, an administrator reading a draft).
    const actor = mode.preview ? { ...asStaff, role: 'supervisor' as const, ofCaseAgency: true } : asStaff;
    const on = today(ctx.clock);
    let event: ClientEvent;
    let payload: Record<string, unknown>;
    let issues = true;
    if (input.type === 'SIGN_OFF') {
      const draft = parseSnapshot(row.snapshot).context.pendingDraft;
      // The draft changed between the look and the lock.
      if ((draft?.event.type ?? null) !== deciding) throw staleVersion();
      const agency = (await findAgencyById(tx, row.agencyId))!;
      // A preview shows the letters as they will be issued, whatever steps remain before that.
      const policy = mode.preview ? { secrecyReview: false, secondSigner: false } : { secrecyReview: agency.secrecyReview, secondSigner: agency.secondSigner };
      event = { type: 'SIGN_OFF', policy };
      // The first of two signatures reviews (审核); only the second issues.
      issues = !(policy.secondSigner && !draft?.reviewedBy);
      payload = draft && issues ? await draftedPayload(tx, row.id) : {};
      if (draft?.event.type === 'ANSWER' && actor.role === 'supervisor' && issues) await moveDraftFiles(tx, row.id, 'released');
    } else {
      ({ event, payload } = await resolveEvent(tx, row, input, on));
      if (event.type === 'RETURN_DRAFT' && actor.role === 'supervisor') await moveDraftFiles(tx, row.id, 'returned');
    }
    // A clerk's decision is a draft: its files wait, and nothing is filed at another agency yet.
    const drafted = isDraftedBy({ type: event.type, actor });
    if (released.length) {
      await insertAttachments(tx, row.id, drafted ? 'to_release' : 'released', released, ctx.clock.now());
      payload.releasedFiles = released.map((f) => f.filename);
    }
    // Documents already on the case (a working copy, a redacted copy: art. 37) released with the answer.
    if (input.type === 'ANSWER' && input.release.length) {
      const files = await changeAttachmentRoles(tx, row.id, input.release, ['working', 'redacted', 'returned'], drafted ? 'to_release' : 'released');
      if (!files) throw validationFailed({ release: '只能提供本案上传的拟提供文件或区分处理后的文件' });
      payload.releasedFiles = [...((payload.releasedFiles as string[] | undefined) ?? []), ...files.map((f) => f.filename)];
    }
    // A transfer decided now (the office head's own, or a draft signed) files the case at the other agency.
    const transfer = event.type === 'TRANSFER' && !drafted ? event : input.type === 'SIGN_OFF' && issues ? pendingTransfer(row) : null;
    // A refusal below rolls the receiving case back with everything else.
    if (transfer && actor.role === 'supervisor') payload.to = (await transferIn(tx, ctx, { from: row, agencySlug: transfer.agency, on, actor, keyCurrent })).trackingNumber;
    const before = mode.preview ? (await listLetters(tx, row.id)).length : 0;
    const result = await applyToLockedCase(tx, ctx, { row, event: { ...event, on, actor } as WorkflowEvent, payload });
    if (!result.decision.ok) throw ruleViolation(result.decision.rule, result.decision.message);
    if (mode.preview) throw new Preview((await listLetterTexts(tx, row.id)).slice(before));
    return result.row;
  });
}

/** The type of the decision a case's pending draft would issue, read before the case is locked. */
async function draftedType(tx: Tx, trackingNumber: string): Promise<string | null> {
  const row = await findCase(tx, trackingNumber);
  return row ? (parseSnapshot(row.snapshot).context.pendingDraft?.event.type ?? null) : null;
}

function pendingTransfer(row: CaseRow): Extract<ClientEvent, { type: 'TRANSFER' }> | null {
  const event = parseSnapshot(row.snapshot).context.pendingDraft?.event;
  return event?.type === 'TRANSFER' ? event : null;
}

/** The responsible agency receives the transferred application as a new case (art. 36(5)); the applicant tracks it with the same access code. */
async function transferIn(tx: Tx, ctx: AppContext, args: { from: CaseRow; agencySlug: string; on: string; actor: EventActor; keyCurrent: boolean }) {
  const sealed = isSealed(args.from.applicant.idNumber);
  // Sealing the number with a key no longer in use would leave it to no other instance.
  if (!sealed && !args.keyCurrent) throw keyRetired();
  const agency = (await findAgencyBySlug(tx, args.agencySlug))!;
  const calendar = await ctx.calendar(tx);
  const [row] = await createCaseRecords(
    tx,
    ctx,
    [
      {
        agency,
        applicant: args.from.applicant,
        // A number still unsealed (a keyless instance's, not yet sealed by the job) is sealed for the
        // new case: its applicant key must then be derived under the key too.
        applicantKey: sealed ? args.from.applicantKey : applicantKeyOf(ctx.personalDataKey, args.from.applicant),
        details: caseDetails(args.from),
        channel: 'transfer',
        receivedOn: workingDayOnOrAfter({ date: args.on, calendar }).date,
        accessCodeHash: args.from.accessCodeHash,
        files: [],
        actor: args.actor,
        entryType: 'TRANSFERRED_IN',
        entryPayload: { from: args.from.trackingNumber },
        transferredFromId: args.from.id,
      },
    ],
    calendar,
  );
  return row!;
}
