// The clerks' view of a case, the whole of it (the queue: queue.service.ts). Read-only; actions go through workflow.service.
import { z } from 'zod';
import { today } from '../calendar/clock.js';
import { toShanghaiIso } from '../calendar/dates.js';
import { workingDaysBetween, type Calendar } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { findAgencyById } from '../agencies/agencies.repository.js';
import { appendTimeline, findCase, findCaseById, findSimilarRequests, listTimeline, lockCase, type CaseRow } from '../requests/cases.repository.js';
import { listAttachments } from '../requests/attachments.repository.js';
import { serviceRecordsOfCase } from '../letters/service-records.repository.js';
import { serviceOf } from '../letters/service-records.service.js';
import { listLetters } from '../letters/letters.repository.js';
import { findPublishedOfCase } from '../published/published.service.js';
import { reviewsOf } from '../reports/reports.repository.js';
import { maskIdNumber } from '../requests/identity-numbers.js';
import { openCaseIdNumber, UNREADABLE } from '../requests/personal-data.service.js';
import { maskName } from '../documents/documents.service.js';
import { canReadAgency, canSeeAgency, staffActor, type Principal } from '../staff/principal.js';
import { findStaffById } from '../staff/staff.repository.js';
import { ANSWER_PERIOD } from '../workflow/deadlines.js';
import { DISPOSITIONS, isDisposition } from '../workflow/dispositions.js';
import { eventLabel, stateLabel } from '../workflow/labels.js';
import { allowedEvents, derive, parseSnapshot } from '../workflow/workflow.js';

/** Working days left until the due date (negative when past), or null without a running deadline. */
export function workingDaysLeft(args: { dueOn: string | null; on: string; calendar: Calendar }): number | null {
  const { dueOn, on, calendar } = args;
  if (!dueOn) return null;
  if (dueOn >= on) return workingDaysBetween({ from: on, to: dueOn, calendar }).days;
  return -workingDaysBetween({ from: dueOn, to: on, calendar }).days;
}

/**
 * What a jurisdiction's OGI office sees of the applicant: enough to supervise (who, roughly, and how
 * reached), not to learn their personal data (条例 art. 15 protects it; supervision does not need it).
 */
function overseenApplicant(applicant: CaseRow['applicant'], idNumber: string) {
  const hidden = '（已隐去）';
  return {
    ...applicant,
    name: maskName(applicant.name),
    idNumber,
    phone: applicant.phone ? `${applicant.phone.slice(0, 3)}****${applicant.phone.slice(-2)}` : applicant.phone,
    email: applicant.email ? hidden : applicant.email,
    address: applicant.address ? hidden : applicant.address,
  };
}

/** Finds a case the principal may read (its agency's staff, or an overseer above it: personal data masked); otherwise as if missing. */
export async function findReadableCase(ctx: AppContext, principal: Principal, trackingNumber: string): Promise<CaseRow> {
  const row = await findCase(ctx.db, trackingNumber.trim().toUpperCase());
  if (!row || !canReadAgency(principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
  return row;
}

/** Finds a case the principal may see; another agency's case is reported exactly like a missing one. */
export async function findVisibleCase(ctx: AppContext, principal: Principal, trackingNumber: string): Promise<CaseRow> {
  const row = await findCase(ctx.db, trackingNumber.trim().toUpperCase());
  if (!row || !canSeeAgency(principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
  return row;
}

export async function caseView(ctx: AppContext, principal: Principal, row: CaseRow) {
  const calendar = await ctx.calendar(ctx.db);
  const snapshot = parseSnapshot(row.snapshot);
  const { deadlines } = derive({ snapshot, calendar });
  const on = today(ctx.clock);
  const [agency, timeline, files, assignee, letters, repeatOf, similar, transferredFrom, published, reviews, services] = await Promise.all([
    findAgencyById(ctx.db, row.agencyId),
    listTimeline(ctx.db, row.id),
    listAttachments(ctx.db, row.id),
    row.assigneeId ? findStaffById(ctx.db, row.assigneeId) : null,
    listLetters(ctx.db, row.id),
    row.possibleRepeatOfId ? findCaseById(ctx.db, row.possibleRepeatOfId) : null,
    findSimilarRequests(ctx.db, row),
    row.transferredFromId ? findCaseById(ctx.db, row.transferredFromId) : null,
    findPublishedOfCase(ctx.db, row.id),
    reviewsOf(ctx.db, row.id),
    serviceRecordsOfCase(ctx.db, row.id),
  ]);
  // The answer's text, or a returned draft's to work from.
  const answer = [...timeline].reverse().find(({ event }) => event.type === 'ANSWER' || (event.type === 'DRAFTED' && event.payload.decision === 'ANSWER'))?.event.payload as
    { text?: string } | undefined;
  const c = snapshot.context;
  const drafted = c.pendingDraft ? [...timeline].reverse().find(({ event }) => event.type === 'DRAFTED') : undefined;
  return {
    trackingNumber: row.trackingNumber,
    agency: { slug: agency!.slug, name: agency!.name },
    channel: row.channel,
    state: row.state,
    stateLabel: stateLabel(row.state),
    version: row.version,
    receivedOn: row.receivedOn,
    dueOn: row.dueOn,
    dueProvisional: row.dueProvisional,
    clockStopped: row.clockStopped,
    workingDaysLeft: snapshot.state === 'received' || snapshot.state === 'assigned' || snapshot.state === 'overdue' ? workingDaysLeft({ dueOn: row.dueOn, on, calendar }) : null,
    deadline: {
      receivedOn: c.receivedOn,
      clockStartOn: c.clockStartOn,
      answerPeriod: ANSWER_PERIOD,
      extension: c.extension,
      extensionRequest: c.extensionRequest ?? null,
      reasonsRequest: c.reasonsRequest ?? null,
      deferral: c.deferral ?? null,
      stoppedPeriods: deadlines.stoppedPeriods,
      correction: c.correction,
      consultations: c.consultations,
      fee: c.fee,
      dueOn: deadlines.answerDueOn,
      correctionDueOn: deadlines.correctionDueOn,
      consultationDueOn: deadlines.consultationDueOn,
      paymentDueOn: deadlines.paymentDueOn,
      provisional: deadlines.provisional,
    },
    applicant: principal.role === 'overseer' ? overseenApplicant(row.applicant, maskedIdNumber(ctx, row)) : { ...row.applicant, idNumber: maskedIdNumber(ctx, row) },
    description: row.description,
    documentNumber: row.documentNumber,
    purpose: row.purpose,
    format: row.format,
    delivery: row.delivery,
    suggestsPublication: row.suggestsPublication,
    assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
    disposition: row.disposition,
    dispositionLabel: isDisposition(row.disposition) ? DISPOSITIONS[row.disposition].label : null,
    concludedOn: row.concludedOn,
    outcome: c.outcome,
    attachments: files.map((f) => ({ ...f, createdAt: toShanghaiIso(f.createdAt) })),
    events: timeline.map(({ event, actorName, actorRole }) => ({
      seq: event.seq,
      type: event.type,
      label: eventLabel(event.type),
      on: event.on,
      at: toShanghaiIso(event.at),
      actor: { kind: event.actorKind, id: event.actorId, name: actorName ?? (event.actorKind === 'system' ? '系统' : '申请人'), role: actorRole },
      stateAfter: event.stateAfter,
      dueOnAfter: event.dueOnAfter,
      payload: event.payload,
    })),
    // How and when each letter was served (docs/statute.md §6); null while not recorded.
    letters: letters.map((l) => ({ ...l, url: `/staff/cases/${row.trackingNumber}/letters/${l.id}`, service: serviceOf(l.id, services) })),
    /** The open period whose letter is not yet served: its due date is provisional, from the day of issue. */
    awaitingService: deadlines.awaitingService,
    // Art. 36(6): the same applicant already had an answer to a similar request.
    possibleRepeatOf: repeatOf
      ? { trackingNumber: repeatOf.trackingNumber, concludedOn: repeatOf.concludedOn, disposition: repeatOf.disposition, description: repeatOf.description }
      : null,
    // Art. 44: other applicants asked for the same information; the agency may publish it proactively.
    similarRequests: similar.map((s) => ({ ...s, stateLabel: stateLabel(s.state) })),
    transferredFrom: transferredFrom?.trackingNumber ?? null,
    publishedId: published?.id ?? null,
    reviews,
    answerText: answer?.text ?? null,
    // Art. 17: a decision drafted and awaiting the office head's sign-off.
    pendingDraft: c.pendingDraft
      ? {
          type: c.pendingDraft.event.type,
          label: eventLabel(c.pendingDraft.event.type),
          ...(c.pendingDraft.event.type === 'ANSWER' ? { disposition: c.pendingDraft.event.disposition } : {}),
          draftedBy: c.pendingDraft.draftedBy,
          draftedByName: drafted?.actorName ?? (c.pendingDraft.draftedBy === null ? '系统（期限届满）' : null),
          draftedAt: drafted ? toShanghaiIso(drafted.event.at) : null,
          reviewedBy: c.pendingDraft.reviewedBy ?? null,
          secrecyReview: c.pendingDraft.secrecyReview ?? null,
          // The agency's steps (art. 17): what this draft still needs.
          needs: {
            secrecyReview:
              agency!.secrecyReview &&
              c.pendingDraft.event.type === 'ANSWER' &&
              ['disclosed', 'partially_disclosed'].includes(c.pendingDraft.event.disposition) &&
              !c.pendingDraft.secrecyReview,
            secondSignature: agency!.secondSigner && Boolean(c.pendingDraft.reviewedBy),
          },
        }
      : null,
    allowedEvents: allowedEvents({
      snapshot,
      calendar,
      on,
      actor: staffActor(principal, row),
      policy: { secrecyReview: agency!.secrecyReview, secondSigner: agency!.secondSigner },
    }),
  };
}

export type CaseView = Awaited<ReturnType<typeof caseView>>;

/** Masked; a number this instance cannot open says so, and the rest of the case can still be worked. */
function maskedIdNumber(ctx: AppContext, row: CaseRow): string {
  try {
    return maskIdNumber(openCaseIdNumber(ctx, row));
  } catch (err) {
    if (err instanceof AppError && err.code === UNREADABLE) return '（无法解密，请联系管理员）';
    throw err;
  }
}

/**
 * A timeline entry by a member of staff that moves nothing (state, deadline, version), written with
 * the case locked; `then` runs in the same transaction on the case as it was.
 */
async function recordStaffEntry<T>(
  ctx: AppContext,
  args: { principal: Principal; trackingNumber: string; type: 'ID_REVEALED' | 'NOTE'; payload: Record<string, unknown> },
  then: (row: CaseRow) => Promise<T> | T,
): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, { trackingNumber: args.trackingNumber.trim().toUpperCase() });
    if (!row || !canSeeAgency(args.principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
    await appendTimeline(tx, {
      caseId: row.id,
      type: args.type,
      on: today(ctx.clock),
      at: ctx.clock.now(),
      actor: staffActor(args.principal, row),
      stateAfter: row.state,
      dueOnAfter: row.dueOn,
      payload: args.payload,
    });
    return then(row);
  });
}

/** Shows the full identity number and records who looked, and when, in the timeline. */
export async function revealIdNumber(ctx: AppContext, principal: Principal, trackingNumber: string): Promise<string> {
  return recordStaffEntry(ctx, { principal, trackingNumber, type: 'ID_REVEALED', payload: {} }, (row) => openCaseIdNumber(ctx, row));
}

export const noteInput = z.object({ text: z.string({ error: '请填写记录内容' }).trim().min(1, '请填写记录内容').max(2000, '记录不超过2000字') });

/**
 * A clerk's working note on a case (a phone call with the applicant, where a file was looked for),
 * at any stage, also once answered. It joins the timeline for staff only: the applicant never sees
 * it, and it changes neither the state, the deadline nor the version a form was opened at.
 */
export async function addNote(ctx: AppContext, principal: Principal, trackingNumber: string, input: unknown): Promise<CaseRow> {
  const { text } = parseInput(noteInput, input);
  return recordStaffEntry(ctx, { principal, trackingNumber, type: 'NOTE', payload: { text } }, (row) => row);
}

export async function getCase(ctx: AppContext, principal: Principal, trackingNumber: string) {
  return caseView(ctx, principal, await findReadableCase(ctx, principal, trackingNumber));
}
