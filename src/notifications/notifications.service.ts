// Who is told what: renders the mail for a workflow intent (templates/mail) as outbox rows, which the
// caller writes in its transaction. One row per (case, timeline entry, template, recipient).
import type { IsoDate } from '../calendar/dates.js';
import type { AppContext } from '../context.js';
import { publicUrlOf } from '../jurisdictions/jurisdictions.service.js';
import { afterCommit, type Tx } from '../db/client.js';
import type { AgencyRow } from '../agencies/agencies.repository.js';
import { PROVISIONAL_NOTE } from '../calendar/working-days.js';
import { chineseDate } from '../letters/chinese-dates.js';
import type { LetterRow } from '../letters/letters.repository.js';
import { htmlToText } from '../letters/html-to-text.js';
import type { CaseRow } from '../requests/cases.repository.js';
import type { Deadlines, ServedPeriod } from '../workflow/deadlines.js';
import { DISPOSITIONS, isDisposition } from '../workflow/dispositions.js';
import type { Recipient } from '../workflow/request.machine.js';
import type { MailTemplate } from '../workflow/types.js';
import { createDirectory, type Directory } from './directory.js';
import { mobileNumber, smsText, SMS_NOTICES } from './sms.js';
import { enqueueMails, MAIL_QUEUED, type NewMail } from './outbox.repository.js';

const SUBJECTS: Record<MailTemplate, (m: { trackingNumber: string; agencyName: string }) => string> = {
  acknowledgment: (m) => `【政府信息公开】您的申请已收到（${m.trackingNumber}）`,
  access_code: (m) => `【政府信息公开】您的申请查询码已重新生成（${m.trackingNumber}）`,
  access_code_recovery: (m) => `【政府信息公开】找回查询码（${m.trackingNumber}）`,
  correction_notice: (m) => `【政府信息公开】请补正您的申请（${m.trackingNumber}）`,
  deferral_notice: (m) => `【政府信息公开】延迟答复告知（${m.trackingNumber}）`,
  reasons_request: (m) => `【政府信息公开】请说明申请理由（${m.trackingNumber}）`,
  consultation_notice: (m) => `【政府信息公开】征求意见告知（${m.trackingNumber}）`,
  extension_notice: (m) => `【政府信息公开】延期答复告知（${m.trackingNumber}）`,
  fee_notice: (m) => `【政府信息公开】信息处理费收费通知（${m.trackingNumber}）`,
  answer: (m) => `【政府信息公开】${m.agencyName}已答复您的申请（${m.trackingNumber}）`,
  transfer_notice: (m) => `【政府信息公开】您的申请已转送负责机关（${m.trackingNumber}）`,
  closure_notice: (m) => `【政府信息公开】您的申请已终止处理（${m.trackingNumber}）`,
  reopen_notice: (m) => `【政府信息公开】您的申请已恢复办理（${m.trackingNumber}）`,
  correction_received: (m) => `【政府信息公开】您的补正已收到（${m.trackingNumber}）`,
  withdrawal_notice: (m) => `【政府信息公开】您的申请已撤回（${m.trackingNumber}）`,
  reasons_received: (m) => `【政府信息公开】您说明的申请理由已收到（${m.trackingNumber}）`,
  reminder: (m) => `【办理提醒】申请 ${m.trackingNumber} 即将到期`,
  extension_request: (m) => `【待审批】申请 ${m.trackingNumber} 请求延长答复期限`,
  overdue_alert: (m) => `【超期警示】申请 ${m.trackingNumber} 已超过答复期限`,
  reasons_given: (m) => `【已说明理由】申请 ${m.trackingNumber} 的申请人已说明申请理由`,
  correction_submitted: (m) => `【已补正】申请 ${m.trackingNumber} 的申请人已提交补正`,
  withdrawn_by_applicant: (m) => `【已撤回】申请 ${m.trackingNumber} 已由申请人撤回`,
  letter_correction: (m) => `【政府信息公开】${m.agencyName}更正（撤销）了发给您的文书（${m.trackingNumber}）`,
  draft_for_sign_off: (m) => `【待审签】申请 ${m.trackingNumber} 有拟作出的决定等待审签`,
  draft_returned: (m) => `【拟稿退回】申请 ${m.trackingNumber} 的拟稿已退回修改`,
  service_reminder: (m) => `【送达待登记】申请 ${m.trackingNumber} 的文书尚未登记送达`,
  extension_refused: (m) => `【延期未获同意】申请 ${m.trackingNumber} 的答复期限不予延长`,
};

/** The letter whose service starts each period counted from receipt (workflow/deadlines.ts). */
const SERVICE_LETTERS: Record<ServedPeriod, string> = { correction: '补正告知书', payment: '收费通知书', consultation: '征求意见书' };

export type NotificationArgs = {
  row: CaseRow;
  decision: { deadlines: Pick<Deadlines, 'answerDueOn' | 'provisional'> & Partial<Deadlines> };
  seq: number;
  on: IsoDate;
  template: MailTemplate;
  to: Recipient;
  agency: AgencyRow;
  /** The letters issued with the notice, which the mail carries. */
  letters: Pick<LetterRow, 'recipient' | 'title' | 'documentNumber' | 'bodyHtml'>[];
  /** Known only at intake: the access code, for the acknowledgment. */
  accessCode?: string;
  /** The one-time link of an access-code recovery (access-code-recovery.service.ts). */
  recoveryUrl?: string;
  /** For reminders: working days left. */
  workingDaysLeft?: number;
};

/** Addresses for a recipient role: the applicant's e-mail if given; supervisors (or, lacking any, the administrators); the assignee (or the supervisors). */
async function addressesFor(directory: Directory, row: CaseRow, to: Recipient): Promise<string[]> {
  switch (to) {
    case 'applicant':
      return row.applicant.email ? [row.applicant.email] : [];
    case 'supervisors': {
      const supervisors = await directory.supervisors(row.agencyId);
      return supervisors.length ? supervisors : directory.admins();
    }
    case 'assignee': {
      const assignee = row.assigneeId ? await directory.staffEmail(row.assigneeId) : [];
      return assignee.length ? assignee : addressesFor(directory, row, 'supervisors');
    }
    case 'third_party':
      // Third parties get their letter on paper; no address is on file.
      return [];
  }
}

/** For the reminder to record a letter's service: which letter, and when its period, counted from issue, ran out. */
function serviceAwaited(d: Partial<Deadlines>) {
  const period = d.awaitingService;
  if (!period) return {};
  const dueOn = period === 'correction' ? d.correctionDueOn : period === 'payment' ? d.paymentDueOn : d.consultationDueOn;
  return { servicePeriodLetter: SERVICE_LETTERS[period], periodDueOnText: chineseDate(dueOn ?? null) };
}

/** The outbox rows for one notification: the mail rendered once, one row per address. */
export async function notificationMails(ctx: AppContext, directory: Directory, args: NotificationArgs): Promise<NewMail[]> {
  const subject = SUBJECTS[args.template];
  // A notice that only forwards its letters has no body of its own: templates/mail/letter_notice.hbs.
  const body = ctx.mails.has(args.template) ? args.template : 'letter_notice';
  const addresses = await addressesFor(directory, args.row, args.to);
  if (!addresses.length) return [];
  const { row, agency } = args;
  const tree = await ctx.jurisdictions.current();
  const base = tree.publicUrl(agency.jurisdictionId, ctx.config.publicUrl);
  const model = {
    // The jurisdiction's own footer: which government's platform sent it.
    mailFooter: tree.byId(agency.jurisdictionId)?.mailFooter ?? '本邮件由政府信息公开申请平台自动发送，请勿直接回复。',
    applicantName: row.applicant.name,
    trackingNumber: row.trackingNumber,
    accessCode: args.accessCode ?? null,
    recoveryUrl: args.recoveryUrl ?? null,
    agencyName: agency.name,
    agencyPhone: agency.phone,
    receivedOnText: chineseDate(row.receivedOn),
    onText: chineseDate(args.on),
    // A date resting on a year whose holidays are not yet published says so (docs/statute.md §6a).
    dueOnText: `${chineseDate(args.decision.deadlines.answerDueOn)}${args.decision.deadlines.provisional && args.decision.deadlines.answerDueOn ? PROVISIONAL_NOTE : ''}`,
    description: row.description,
    dispositionLabel: isDisposition(row.disposition) ? DISPOSITIONS[row.disposition].label : null,
    workingDaysLeft: args.workingDaysLeft,
    ...serviceAwaited(args.decision.deadlines),
    // The tracking link carries the access code only in the acknowledgment, where the applicant first receives it.
    trackUrl: `${base}/track?trackingNumber=${encodeURIComponent(row.trackingNumber)}${args.accessCode ? `&accessCode=${encodeURIComponent(args.accessCode)}` : ''}`,
    caseUrl: `${base}/staff/cases/${encodeURIComponent(row.trackingNumber)}`,
    letters: args.letters.filter((l) => l.recipient === 'applicant').map((l) => ({ title: l.title, documentNumber: l.documentNumber, html: l.bodyHtml })),
  };
  const html = ctx.mails.render(body, model);
  const text = htmlToText(html);
  const now = ctx.clock.now();
  // Delivered to the applicant's mail server, the letters the notice carries are served (docs/statute.md §6).
  const letterSeq = args.to === 'applicant' && model.letters.length ? args.seq : null;
  return addresses.map((address) => ({
    dedupeKey: `case:${row.id}:entry:${args.seq}:${args.template}:${address}`,
    // Named on every row: rows written together in one statement (db/rows.ts) take no column defaults.
    channel: 'mail' as const,
    caseId: row.id,
    letterSeq,
    template: args.template,
    recipient: address,
    subject: subject({ trackingNumber: row.trackingNumber, agencyName: agency.name }),
    text,
    html,
    nextAttemptAt: now,
    createdAt: now,
  }));
}

/**
 * The SMS notice for a notification, if the applicant is to get one: a mobile number, and no e-mail
 * or a wish for SMS as well (docs/operations/sms.md); a notice of the kinds SMS_NOTICES names. No
 * personal data in it.
 */
export async function smsNotice(ctx: AppContext, args: Pick<NotificationArgs, 'row' | 'seq' | 'template' | 'to' | 'letters' | 'agency'>): Promise<NewMail | null> {
  const notice = SMS_NOTICES[args.template];
  const to = mobileNumber(args.row.applicant.phone);
  if (args.to !== 'applicant' || !notice || !to || (args.row.applicant.email && !args.row.applicant.smsNotices)) return null;
  const { row } = args;
  const url = `${await publicUrlOf(ctx, args.agency)}/track?trackingNumber=${encodeURIComponent(row.trackingNumber)}`;
  const now = ctx.clock.now();
  return {
    dedupeKey: `case:${row.id}:entry:${args.seq}:${args.template}:sms:${to}`,
    channel: 'sms',
    caseId: row.id,
    // Delivered to the phone, the letters the notice is about are served (by SMS link).
    letterSeq: args.letters.some((l) => l.recipient === 'applicant') ? args.seq : null,
    template: args.template,
    recipient: to,
    subject: notice,
    text: smsText({ trackingNumber: row.trackingNumber, notice, url }),
    html: '',
    smsParams: { trackingNumber: row.trackingNumber, notice, url },
    nextAttemptAt: now,
    createdAt: now,
  };
}

/** Writes mails to the outbox in the caller's transaction; once it has committed, the mail worker runs. */
/**
 * A mail to the applicant about their request that carries no letter (a new access code, a link to
 * find it again), for the timeline entry `seq`, queued in the transaction. Answers the mails queued.
 */
export async function mailApplicant(
  tx: Tx,
  ctx: AppContext,
  args: { row: CaseRow; seq: number; on: IsoDate; template: MailTemplate } & Pick<NotificationArgs, 'accessCode' | 'recoveryUrl'>,
): Promise<NewMail[]> {
  const directory = createDirectory(tx);
  const { row } = args;
  const mails = await notificationMails(ctx, directory, {
    ...args,
    decision: { deadlines: { answerDueOn: row.dueOn, provisional: row.dueProvisional } },
    to: 'applicant',
    agency: await directory.agency(row.agencyId),
    letters: [],
  });
  await queueMails(tx, ctx, mails);
  return mails;
}

export async function queueMails(tx: Tx, ctx: AppContext, mails: NewMail[]): Promise<void> {
  await enqueueMails(tx, mails);
  if (mails.length) afterCommit(tx, () => ctx.events.emit(MAIL_QUEUED));
}
