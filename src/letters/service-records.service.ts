// Service (送达) of issued letters (docs/statute.md §6): staff record post and hand delivery with their
// evidence; electronic service records itself when the channel confirms it (the recipient's mail
// server accepted the mail, the SMS provider reported delivery, the applicant first opened the letter
// on the portal). Each record goes to the workflow as LETTER_SERVED, so that a period counted from
// receipt (correction, payment, consultation) runs from the day the letter was served.
import { z } from 'zod';
import { isoDateField, type IsoDate } from '../calendar/dates.js';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { notFound, ruleViolation, staleVersion, validationFailed } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { checkUploads, type Upload } from '../requests/attachments.js';
import { lockCase, type CaseRow } from '../requests/cases.repository.js';
import { insertAttachments } from '../requests/attachments.repository.js';
import { expectedVersionSchema } from '../requests/event.schemas.js';
import { applyToLockedCase } from '../requests/workflow.service.js';
import { canSeeAgency, staffActor, type Principal } from '../staff/principal.js';
import { SERVICE_METHOD_LABELS } from '../workflow/labels.js';
import { SERVICE_METHODS, type EventActor, type ServiceMethod, type WorkflowEvent } from '../workflow/types.js';
import { findLetter, type LetterRow } from './letters.repository.js';
import { applicantLettersOfEntry, hasServiceRecord, insertServiceRecord, type ServiceRecord } from './service-records.repository.js';

export const serviceInput = z.object({
  method: z.enum(SERVICE_METHODS),
  servedOn: isoDateField,
  reference: z.string().trim().max(200).optional(),
});

/**
 * A letter's service as the case view shows it: the earliest record (service happens once; later
 * records are kept as evidence), or null while none is recorded.
 */
export function serviceOf(letterId: number, records: ServiceRecord[]) {
  const mine = records.filter((r) => r.letterId === letterId);
  if (!mine.length) return null;
  const first = mine.reduce((a, b) => (b.servedOn < a.servedOn ? b : a));
  return {
    method: first.method as ServiceMethod,
    methodLabel: SERVICE_METHOD_LABELS[first.method as ServiceMethod] ?? first.method,
    servedOn: first.servedOn,
    reference: first.reference,
    records: mine.map((r) => ({
      method: r.method,
      methodLabel: SERVICE_METHOD_LABELS[r.method as ServiceMethod] ?? r.method,
      servedOn: r.servedOn,
      reference: r.reference,
      proofAttachmentId: r.proofAttachmentId,
      proofFilename: r.proofFilename,
      recordedBy: r.recordedBy,
      recordedByName: r.recordedByName ?? (r.method === 'portal' ? '申请人查阅' : '系统'),
      recordedAt: r.recordedAt.toISOString(),
    })),
  };
}

type Served = { letter: LetterRow; method: ServiceMethod; servedOn: IsoDate; reference: string | null; proofAttachmentId: string | null; actor: EventActor };

/** One letter's service on a case the caller has locked: the workflow learns the day, then the record is kept. */
async function recordOnLockedCase(tx: Tx, ctx: AppContext, row: CaseRow, s: Served): Promise<CaseRow> {
  const event = { type: 'LETTER_SERVED', letterKind: s.letter.kind, issuedOn: s.letter.issuedOn, servedOn: s.servedOn, method: s.method, on: today(ctx.clock), actor: s.actor };
  const payload = {
    letterId: s.letter.id,
    title: s.letter.title,
    documentNumber: s.letter.documentNumber,
    method: s.method,
    servedOn: s.servedOn,
    ...(s.reference ? { reference: s.reference } : {}),
  };
  const result = await applyToLockedCase(tx, ctx, { row, event: event as WorkflowEvent, payload });
  if (!result.decision.ok) throw ruleViolation(result.decision.rule, result.decision.message);
  await insertServiceRecord(tx, {
    letterId: s.letter.id,
    caseId: row.id,
    method: s.method,
    servedOn: s.servedOn,
    reference: s.reference,
    proofAttachmentId: s.proofAttachmentId,
    recordedBy: s.actor.kind === 'staff' ? s.actor.id : null,
    recordedAt: ctx.clock.now(),
  });
  return result.row;
}

const LETTER_ID = /^\d{1,12}$/;

/**
 * Staff record how and when a letter was served (POST /api/cases/:tn/letters/:id/service): by post
 * with the postal tracking number, in person with the signed receipt (送达回证) uploaded as `proof`.
 */
export async function recordServiceByStaff(ctx: AppContext, args: { principal: Principal; trackingNumber: string; letterId: string; input: unknown; uploads: Upload[] }) {
  const input = parseInput(serviceInput, args.input);
  const { expectedVersion } = parseInput(expectedVersionSchema, args.input);
  if (args.uploads.length > 1) throw validationFailed({ proof: '只能上传一个送达凭证文件' });
  const proofs = await checkUploads(args.uploads).catch((err: unknown) => {
    // The upload check names its field `attachments.0`; here it is the proof.
    const fields = (err as { details?: { fields?: Record<string, string> } }).details?.fields;
    throw fields ? validationFailed({ proof: Object.values(fields)[0]! }) : err;
  });
  const reference = input.reference || null;
  if (input.method === 'post' && !reference) throw validationFailed({ reference: '邮寄送达请填写邮件号（挂号信或快递单号）' });
  if (input.method === 'in_person' && !proofs.length) throw validationFailed({ proof: '直接送达请上传受送达人签收的送达回证' });
  return ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, { trackingNumber: args.trackingNumber.toUpperCase() });
    if (!row || !canSeeAgency(args.principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
    if (expectedVersion !== undefined && expectedVersion !== row.version) throw staleVersion();
    const letter = LETTER_ID.test(args.letterId) ? await findLetter(tx, row.id, Number(args.letterId)) : null;
    if (!letter) throw notFound('letters.not_found', '没有找到该文书');
    const [proofAttachmentId] = await insertAttachments(tx, row.id, 'service_proof', proofs, ctx.clock.now());
    const actor = staffActor(args.principal, row);
    return recordOnLockedCase(tx, ctx, row, { letter, method: input.method, servedOn: input.servedOn, reference, proofAttachmentId: proofAttachmentId ?? null, actor });
  });
}

/**
 * Electronic service, recorded by itself when the channel confirms delivery: the letters to the
 * applicant issued with timeline entry `eventSeq` (what a notice carried), or the letters named.
 * Each letter once per method; the day is `servedOn` (the provider's report), or today.
 */
export async function recordElectronicService(
  ctx: AppContext,
  args: { caseId: number; eventSeq?: number; letterIds?: number[]; method: 'email' | 'sms' | 'portal'; reference: string | null; servedOn?: IsoDate },
): Promise<void> {
  const actor: EventActor = args.method === 'portal' ? { kind: 'applicant' } : { kind: 'system' };
  await ctx.db.transaction(async (tx) => {
    let row = await lockCase(tx, { id: args.caseId });
    if (!row) return;
    const letters = args.letterIds
      ? (await Promise.all(args.letterIds.map((id) => findLetter(tx, args.caseId, id)))).filter((l): l is LetterRow => l !== null)
      : await applicantLettersOfEntry(tx, args.caseId, args.eventSeq === undefined ? [] : [args.eventSeq]);
    for (const letter of letters) {
      if (await hasServiceRecord(tx, letter.id, args.method)) continue;
      // Never before the letter was issued (a report's clock may be off by a little).
      const reported = args.servedOn ?? today(ctx.clock);
      const servedOn = reported < letter.issuedOn ? letter.issuedOn : reported;
      row = await recordOnLockedCase(tx, ctx, row, { letter, method: args.method, servedOn, reference: args.reference, proofAttachmentId: null, actor });
    }
  });
}

/** The applicant opened a letter on the portal: the first opening serves it (never fails the reading). */
export async function recordOpenedOnPortal(ctx: AppContext, row: CaseRow, letter: LetterRow): Promise<void> {
  if (letter.recipient !== 'applicant') return;
  try {
    if (await hasServiceRecord(ctx.db, letter.id, 'portal')) return;
    await recordElectronicService(ctx, { caseId: row.id, letterIds: [letter.id], method: 'portal', reference: null });
  } catch (err) {
    ctx.log.warn({ caseId: row.id, letterId: letter.id, err: err instanceof Error ? err.message : String(err) }, 'service by portal opening not recorded');
  }
}
