// Turns the workflow's intents into rows in the same transaction as the change: letters, stored
// exactly as issued, and (notifications/) mails in the outbox. Nothing is sent from here.
import { yearOf, type IsoDate } from '../calendar/dates.js';
import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import type { letters } from '../db/schema.js';
import { findAgencyBySlug, type AgencyRow } from '../agencies/agencies.repository.js';
import { insertLetters, type LetterRow } from '../letters/letters.repository.js';
import { letterModel, LETTER_TITLES, recipientOf, type LetterAgency } from '../letters/letters.model.js';
import { htmlToText } from '../letters/text.js';
import { createDirectory } from '../notifications/directory.js';
import { notificationMails } from '../notifications/notifications.service.js';
import { enqueueMails, type NewMail } from '../notifications/outbox.repository.js';
import type { Deadlines } from '../workflow/deadlines.js';
import type { Intent } from '../workflow/request.machine.js';
import type { WorkflowSnapshot } from '../workflow/workflow.js';
import { listAttachments, type CaseRow } from './cases.repository.js';

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
  return { name: a.name, officeName: a.officeName, address: a.address, postcode: a.postcode, phone: a.phone, email: a.email, reviewBody: a.reviewBody, court: a.court };
}

type LetterJob = { item: IntentArgs; kind: keyof typeof LETTER_TITLES; agency: AgencyRow };

/**
 * Issues letters for many cases: numbers drawn in one statement per agency and year, the letters
 * written in one statement. Returns the letters in the order of `jobs`.
 */
async function issueLetters(tx: Tx, ctx: AppContext, jobs: LetterJob[]): Promise<LetterRow[]> {
  if (!jobs.length) return [];
  const numbers = await ctx.numbers.drawEach(tx, 'letter', jobs.map((j) => ({ agencyId: j.agency.id, year: yearOf(j.item.on) })));
  const values: (typeof letters.$inferInsert)[] = [];
  for (const [k, { item, kind, agency }] of jobs.entries()) {
    const { row, decision, on, payload, seq } = item;
    const documentNumber = `${agency.shortName}依申〔${yearOf(on)}〕${numbers[k]}号`;
    const released = kind === 'answer' ? (await listAttachments(tx, row.id)).filter((f) => f.role === 'released') : [];
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
      context: decision.snapshot.context,
      deadlines: decision.deadlines,
      payload,
      releasedFiles: released,
      transferredTo: target ? letterAgency(target) : null,
    });
    const bodyHtml = ctx.letters.render(kind, model);
    values.push({ caseId: row.id, eventSeq: seq, kind, recipient: recipientOf(kind), documentNumber, title: LETTER_TITLES[kind], issuedOn: on, bodyHtml, bodyText: htmlToText(bodyHtml) });
  }
  // (case, timeline entry, kind) is unique: it finds each job's letter among the returned rows.
  const byKey = new Map((await insertLetters(tx, values)).map((l) => [`${l.caseId}:${l.eventSeq}:${l.kind}`, l]));
  return values.map((v) => byKey.get(`${v.caseId}:${v.eventSeq}:${v.kind}`)!);
}

/** Writes the letters and mails that decisions call for, for one case or many. */
export async function applyIntents(tx: Tx, ctx: AppContext, items: IntentArgs[], known: { agencies?: AgencyRow[] } = {}): Promise<void> {
  const directory = createDirectory(tx, known);
  const jobs: LetterJob[] = [];
  for (const item of items) {
    for (const intent of item.decision.intents) {
      if (intent.type === 'issueLetter') jobs.push({ item, kind: intent.params.kind, agency: await directory.agency(item.row.agencyId) });
    }
  }
  const issued = await issueLetters(tx, ctx, jobs);
  const lettersOf = new Map<IntentArgs, LetterRow[]>();
  for (const [k, job] of jobs.entries()) lettersOf.set(job.item, [...(lettersOf.get(job.item) ?? []), issued[k]!]);
  const mails: NewMail[] = [];
  for (const item of items) {
    const letters = lettersOf.get(item) ?? [];
    for (const intent of item.decision.intents) {
      if (intent.type === 'notify') {
        const agency = await directory.agency(item.row.agencyId);
        mails.push(...(await notificationMails(ctx, directory, { ...item, template: intent.params.template, to: intent.params.to, agency, letters })));
      }
    }
  }
  await enqueueMails(tx, mails);
}
