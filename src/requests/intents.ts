// Turns the workflow's intents into rows in the same transaction as the change: letters, stored
// exactly as issued, and (notifications/) mails in the outbox. Nothing is sent from here.
import { yearOf, type IsoDate } from '../calendar/dates.js';
import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { pipelined } from '../db/pipelined.js';
import type { letters } from '../db/schema.js';
import { findAgencyBySlug, type AgencyRow } from '../agencies/agencies.repository.js';
import { insertLetters } from '../letters/letters.repository.js';
import { letterModel, LETTER_TITLES, recipientOf, type LetterAgency } from '../letters/letters.model.js';
import { htmlToText } from '../letters/html-to-text.js';
import { newVerificationCode } from '../documents/verification.js';
import { createDirectory } from '../notifications/directory.js';
import { notificationMails, queueMails, smsNotice } from '../notifications/notifications.service.js';
import type { NewMail } from '../notifications/outbox.repository.js';
import type { Deadlines } from '../workflow/deadlines.js';
import type { Intent } from '../workflow/request.machine.js';
import type { WorkflowSnapshot } from '../workflow/workflow.js';
import { type CaseRow } from './cases.repository.js';
import { listAttachments, redactionsOfCase } from './attachments.repository.js';
import { withheldSummary } from '../letters/answer.js';
import type { NumberOwner } from './numbers.js';

export type IntentArgs = {
  row: CaseRow;
  decision: { snapshot: WorkflowSnapshot; deadlines: Deadlines; intents: Intent[] };
  /** The timeline entry that caused the intents. */
  seq: number;
  on: IsoDate;
  payload: Record<string, unknown>;
  /** Known only at intake: the applicant's access code, for the acknowledgment. */
  accessCode?: string;
  /** For reminders: working days left. */
  workingDaysLeft?: number;
};

function letterAgency(a: AgencyRow): LetterAgency {
  return {
    name: a.name,
    paymentInstructions: a.paymentInstructions,
    officeName: a.officeName,
    address: a.address,
    postcode: a.postcode,
    phone: a.phone,
    email: a.email,
    reviewBody: a.reviewBody,
    court: a.court,
    reviewOnline: a.reviewOnline,
  };
}

type LetterJob = { item: IntentArgs; kind: keyof typeof LETTER_TITLES; agency: AgencyRow };

type NewLetter = typeof letters.$inferInsert;

/**
 * The number series of each letter that the decisions call for, in the order applyIntents issues
 * them: a caller drawing other numbers first can draw these with them (one statement) and pass them in.
 */
export function letterNumberOwners(items: { agencyId: number; on: IsoDate; intents: Intent[] }[]): NumberOwner[] {
  return items.flatMap((item) => item.intents.filter((i) => i.type === 'issueLetter').map(() => ({ series: 'letter' as const, agencyId: item.agencyId, year: yearOf(item.on) })));
}

/** The letters for many cases, numbered and rendered, in the order of `jobs`; the caller writes them. */
async function renderLetters(tx: Tx, ctx: AppContext, jobs: LetterJob[], numbers: number[]): Promise<NewLetter[]> {
  const values: NewLetter[] = [];
  const calendar = jobs.length ? await ctx.calendar(tx) : null;
  for (const [k, { item, kind, agency }] of jobs.entries()) {
    const { row, decision, on, payload, seq } = item;
    // A preview's number is drawn at sign-off (workflow.service.ts).
    const documentNumber = `${agency.shortName}依申〔${yearOf(on)}〕${numbers[k] || '　　'}号`;
    const released = kind === 'answer' || kind === 'third_party_notice' ? (await listAttachments(tx, row.id)).filter((f) => f.role === 'released') : [];
    // Art. 37: a redacted copy says what was withheld from it and why, from its marks.
    const redacted = released.length ? new Map((await redactionsOfCase(tx, row.id)).map((r) => [r.resultId, r.marks])) : new Map();
    const target = kind === 'transfer_notice' && typeof payload.agency === 'string' ? await findAgencyBySlug(tx, payload.agency) : null;
    const model = letterModel({
      kind,
      documentNumber,
      issuedOn: on,
      agency: letterAgency(agency),
      trackingNumber: row.trackingNumber,
      receivedOn: row.receivedOn,
      applicant: row.applicant,
      description: row.description,
      suggestsPublication: row.suggestsPublication,
      context: decision.snapshot.context,
      deadlines: decision.deadlines,
      calendar: calendar!,
      payload,
      releasedFiles: released.map((f) => ({ filename: f.filename, withheld: redacted.has(f.id) ? withheldSummary(redacted.get(f.id)!) : null })),
      transferredTo: target ? letterAgency(target) : null,
    });
    const bodyHtml = ctx.letters.render(kind, model);
    values.push({
      caseId: row.id,
      eventSeq: seq,
      kind,
      recipient: recipientOf(kind),
      documentNumber,
      title: LETTER_TITLES[kind],
      issuedOn: on,
      bodyHtml,
      bodyText: htmlToText(bodyHtml),
      verificationCode: newVerificationCode(),
    });
  }
  return values;
}

/**
 * Writes the letters and mails that decisions call for, for one case or many. `known.letterNumbers`:
 * the letters' numbers if drawn already, for letterNumberOwners of the same items.
 */
export async function applyIntents(tx: Tx, ctx: AppContext, items: IntentArgs[], known: { agencies?: AgencyRow[]; letterNumbers?: number[] } = {}): Promise<void> {
  const directory = createDirectory(tx, known);
  const jobs: LetterJob[] = [];
  for (const item of items) {
    for (const intent of item.decision.intents) {
      if (intent.type === 'issueLetter') jobs.push({ item, kind: intent.params.kind, agency: await directory.agency(item.row.agencyId) });
    }
  }
  const numbers =
    known.letterNumbers ?? (await ctx.numbers.drawEach(tx, letterNumberOwners(items.map((i) => ({ agencyId: i.row.agencyId, on: i.on, intents: i.decision.intents })))));
  if (numbers.length !== jobs.length) throw new Error(`applyIntents: ${numbers.length} letter numbers for ${jobs.length} letters`);
  const issued = await renderLetters(tx, ctx, jobs, numbers);
  const lettersOf = new Map<IntentArgs, NewLetter[]>();
  for (const [k, job] of jobs.entries()) lettersOf.set(job.item, [...(lettersOf.get(job.item) ?? []), issued[k]!]);
  const mails: NewMail[] = [];
  for (const item of items) {
    const letters = lettersOf.get(item) ?? [];
    for (const intent of item.decision.intents) {
      if (intent.type === 'notify') {
        const agency = await directory.agency(item.row.agencyId);
        const notification = { ...item, template: intent.params.template, to: intent.params.to, agency, letters };
        mails.push(...(await notificationMails(ctx, directory, notification)));
        const sms = await smsNotice(ctx, notification);
        if (sms) mails.push(sms);
      }
    }
  }
  // Sent together: the mails carry what they need of the letters, not their ids.
  await pipelined([insertLetters(tx, issued), queueMails(tx, ctx, mails)]);
}
