// Turns the workflow's intents into rows in the same transaction as the change: letters, stored
// exactly as issued, and (notifications/) mails in the outbox. Nothing is sent from here.
import { yearOf, type IsoDate } from '../calendar/dates.js';
import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { findAgencyBySlug, type AgencyRow } from '../agencies/agencies.repository.js';
import { insertLetter, type LetterRow } from '../letters/letters.repository.js';
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

async function issueLetter(tx: Tx, ctx: AppContext, args: IntentArgs & { kind: keyof typeof LETTER_TITLES; agency: AgencyRow }): Promise<LetterRow> {
  const { row, decision, kind, agency } = args;
  const number = await ctx.numbers.draw(tx, { agencyId: agency.id, year: yearOf(args.on), series: 'letter' });
  const documentNumber = `${agency.shortName}依申〔${yearOf(args.on)}〕${number}号`;
  const released = kind === 'answer' ? (await listAttachments(tx, row.id)).filter((f) => f.role === 'released') : [];
  const target = kind === 'transfer_notice' && typeof args.payload.agency === 'string' ? await findAgencyBySlug(tx, args.payload.agency) : null;
  const model = letterModel({
    kind,
    documentNumber,
    issuedOn: args.on,
    agency: letterAgency(agency),
    trackingNumber: row.trackingNumber,
    receivedOn: row.receivedOn,
    applicant: row.applicant,
    description: row.description,
    context: decision.snapshot.context,
    deadlines: decision.deadlines,
    payload: args.payload,
    releasedFiles: released,
    transferredTo: target ? letterAgency(target) : null,
  });
  const bodyHtml = ctx.letters.render(kind, model);
  return insertLetter(tx, {
    caseId: row.id,
    eventSeq: args.seq,
    kind,
    recipient: recipientOf(kind),
    documentNumber,
    title: LETTER_TITLES[kind],
    issuedOn: args.on,
    bodyHtml,
    bodyText: htmlToText(bodyHtml),
  });
}

/** Writes the letters and mails that decisions call for, for one case or many. */
export async function applyIntents(tx: Tx, ctx: AppContext, items: IntentArgs[], known: { agency?: AgencyRow } = {}): Promise<void> {
  const directory = createDirectory(tx, known);
  const mails: NewMail[] = [];
  for (const item of items) {
    if (!item.decision.intents.length) continue;
    const agency = await directory.agency(item.row.agencyId);
    const letters: LetterRow[] = [];
    for (const intent of item.decision.intents) {
      if (intent.type === 'issueLetter') letters.push(await issueLetter(tx, ctx, { ...item, kind: intent.params.kind, agency }));
    }
    for (const intent of item.decision.intents) {
      if (intent.type === 'notify') {
        mails.push(...(await notificationMails(ctx, directory, { ...item, template: intent.params.template, to: intent.params.to, agency, letters })));
      }
    }
  }
  await enqueueMails(tx, mails);
}
