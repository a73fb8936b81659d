// View models for the clerks' desk: what the queue and the case page show, already in Chinese.
import type { AttachmentRole } from '../db/schema.js';
import type { FieldMessages } from '../common/errors.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { CHANNEL_OPTIONS, ID_TYPE_OPTIONS, ORG_OPTIONS } from '../requests/application.form.js';
import { RESELECT_FILES } from '../requests/attachments.js';
import { DISPOSITIONS, DISPOSITION_CODES } from '../workflow/dispositions.js';
import { eventLabel, SERVICE_METHOD_LABELS } from '../workflow/labels.js';
import { SERVICE_METHODS, type ServiceMethod } from '../workflow/types.js';
import { PERIOD_STARTED_BY } from '../workflow/deadlines.js';
import type { LetterKind } from '../workflow/request.machine.js';
import { REVIEW_KIND_LABELS, REVIEW_OUTCOME_LABELS } from '../reports/tables.js';
import type { CaseView } from './desk.service.js';
import { thirdPerson } from '../published/third-person.js';

const label = (options: readonly (readonly [string, string])[], value: string | null | undefined) => options.find(([v]) => v === value)?.[1] ?? value ?? '';
const CHANNELS = [['online', '网上提交'], ...CHANNEL_OPTIONS.filter(([v]) => v !== 'online'), ['transfer', '其他机关转送']] as const;

/** How a request arrived, as staff read it. */
export function channelLabel(channel: string): string {
  return label(CHANNELS, channel);
}
const OPINIONS: Record<string, string> = { agree: '同意公开', object: '不同意公开', no_reply: '逾期未提出意见' };
const FORMATS: Record<string, string> = { paper: '纸质文本', electronic: '电子文档' };
const DELIVERIES: Record<string, string> = { email: '电子邮件', post: '邮寄', pickup: '当面领取', online: '在平台下载' };

export type Badge = { kind: 'overdue' | 'due-soon' | 'stopped' | 'provisional' | 'done'; text: string };

export function badgesOf(c: { state: string; workingDaysLeft: number | null; clockStopped: boolean; dueProvisional: boolean }): Badge[] {
  const badges: Badge[] = [];
  const running = c.state === 'received' || c.state === 'assigned' || c.state === 'overdue';
  if (c.state === 'overdue' || (running && c.workingDaysLeft !== null && c.workingDaysLeft < 0)) badges.push({ kind: 'overdue', text: '已超期' });
  else if (running && c.workingDaysLeft !== null && c.workingDaysLeft <= 5) badges.push({ kind: 'due-soon', text: `${c.workingDaysLeft} 个工作日内到期` });
  if (c.clockStopped) badges.push({ kind: 'stopped', text: '计时中止' });
  if (c.dueProvisional && running) badges.push({ kind: 'provisional', text: '期限待定' });
  if (c.state === 'answered' || c.state === 'closed') badges.push({ kind: 'done', text: '已办结' });
  return badges;
}

const ATTACHMENT_ROLES: Record<AttachmentRole, string> = {
  application: '申请材料',
  correction: '补正材料',
  released: '随答复提供',
  to_release: '随拟稿待审签',
  returned: '随退回的拟稿',
  service_proof: '送达凭证',
  working: '拟提供的文件（工作稿）',
  redacted: '区分处理后的文件（待随答复提供）',
};

export function eventDetails(type: string, p: Record<string, unknown>): string {
  const s = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : p[k] === undefined || p[k] === null ? '' : String(p[k]));
  switch (type) {
    case 'SUBMITTED':
    case 'REGISTERED':
      return `渠道：${label(CHANNELS, s('channel'))}；${s('arrivedOn') ? `${chineseDate(s('arrivedOn'))}到达，非工作日，` : ''}收到日期：${chineseDate(s('receivedOn'))}${Number(p.attachments) ? `；附件 ${s('attachments')} 个` : ''}`;
    case 'TRANSFERRED_IN':
      return `由 ${s('from')} 转来`;
    case 'ACCESS_CODE_REISSUED':
      return p.mailed ? '原查询码失效；新查询码已发送至申请人电子邮箱' : '原查询码失效；申请人未留电子邮箱，新查询码由工作人员告知';
    case 'ASSIGN':
      return `承办人：${s('assigneeName')}`;
    case 'REQUEST_CORRECTION':
      return `补正事项：${(p.items as string[] | undefined)?.join('；') ?? ''}；补正期限 ${s('dueInWorkingDays')} 个工作日`;
    case 'CORRECTION_RECEIVED':
      return `补正材料收到日期：${chineseDate(s('receivedOn'))}，答复期限重新计算${s('text') ? `；补正内容：${s('text')}` : ''}${Number(p.attachments) ? `；附件 ${s('attachments')} 个` : ''}`;
    case 'CONSULT_THIRD_PARTY':
      return `征求意见对象：${s('party')}${s('matter') ? `；事项：${s('matter')}` : ''}`;
    case 'THIRD_PARTY_REPLIED':
      return `${OPINIONS[s('opinion')] ?? s('opinion')}${s('reasons') ? `：${s('reasons')}` : ''}（${chineseDate(s('repliedOn'))}收到）`;
    case 'CONSULTATION_PERIOD_ENDED':
      return `15个工作日内未收到意见（${chineseDate(s('dueOn'))}届满），由本机关决定`;
    case 'REQUEST_REASONS':
      return `${s('matter')}；请于 ${s('replyWithinWorkingDays')} 个工作日内说明理由`;
    case 'NOTE':
      return s('text');
    case 'REASONS_GIVEN':
      return `收到日期：${chineseDate(s('receivedOn'))}；理由：${s('text')}`;
    case 'DEFER_ANSWER':
      return `于 ${chineseDate(s('dueOn'))} 前答复；理由：${s('reason')}`;
    case 'REQUEST_EXTENSION':
    case 'EXTEND':
      return `${s('workingDays')} 个工作日；理由：${s('reason')}`;
    case 'PUBLICATION_WITHDRAWN':
      return `撤回理由：${s('reason')}`;
    case 'REFUSE_EXTENSION':
      return `不同意延期；理由：${s('reason')}`;
    case 'ISSUE_FEE_NOTICE':
      return `${s('method') === 'per_item' ? '按件' : '按量'}计收，数量 ${s('quantity')}`;
    case 'FEE_PAID':
      return `缴费日期：${chineseDate(s('paidOn'))}`;
    case 'TRANSFER':
      return `转送 ${s('agencyName')}，新编号 ${s('to')}${s('reason') ? `；理由：${s('reason')}` : ''}`;
    case 'REOPEN':
      return `理由：${s('reason')}；补正后申请收到日期：${chineseDate(s('receivedOn'))}，答复期限自该日起计算`;
    case 'ANSWER': {
      const code = s('disposition') as keyof typeof DISPOSITIONS;
      return `${DISPOSITIONS[code]?.label ?? code}${Array.isArray(p.releasedFiles) && p.releasedFiles.length ? `；随附文件 ${p.releasedFiles.length} 个` : ''}`;
    }
    case 'WITHDRAW':
      return s('reason') ? `撤回理由：${s('reason')}` : '';
    case 'DEADLINE_PASSED':
    case 'CORRECTION_PERIOD_ENDED':
    case 'PAYMENT_PERIOD_ENDED':
      return `期限届满日：${chineseDate(s('dueOn'))}`;
    case 'CALENDAR_CHANGED':
      return `${s('year')} 年节假日安排载入：答复期限 ${chineseDate(s('previousDueOn'))} → ${chineseDate(s('dueOn'))}`;
    case 'REMINDER':
      return p.service ? `送达待登记：按发出日期暂计的期限已于 ${chineseDate(s('dueOn'))} 届满，已提醒承办人登记送达` : `距答复期限还有 ${s('workingDaysLeft')} 个工作日`;
    case 'LETTER_SERVED':
      return `《${s('title')}》（${s('documentNumber')}）${SERVICE_METHOD_LABELS[s('method') as ServiceMethod] ?? s('method')}，送达日期 ${chineseDate(s('servedOn'))}${p.reference ? `；凭证：${s('reference')}` : ''}`;
    // Art. 17: the draft's decision, what it says, and its fate.
    case 'DRAFTED': {
      const details = eventDetails(s('decision'), p);
      return `拟：${eventLabel(s('decision'))}${details ? `（${details}）` : ''}`;
    }
    case 'SIGN_OFF':
      return `签发：${eventLabel(s('decision'))}`;
    case 'CORRECT_LETTER': {
      const o = (p.original ?? {}) as { title?: string; documentNumber?: string };
      return `${s('action') === 'revoke' ? '撤销' : '更正'}《${o.title ?? ''}》（${o.documentNumber ?? ''}）：${s('reason')}`;
    }
    case 'RETURN_DRAFT':
      return `退回意见：${s('comment')}`;
    case 'REVIEWED':
      return `审核：${eventLabel(s('decision'))}，送签发`;
    case 'SECRECY_REVIEW':
      return `保密审查意见：${s('conclusion')}`;
    default:
      return '';
  }
}

/** How the due date was reached: receipt, restart, 20 days, extension, stopped periods. */
function deadlineSteps(c: CaseView): string[] {
  const d = c.deadline;
  const steps = [`收到申请：${chineseDate(d.receivedOn)}`];
  // docs/statute.md §6: a period counted from receipt runs from the letter's service, provisional until it is recorded.
  const servedFrom = (letter: string, servedOn: string | null | undefined, dueOn: string | null, period: string) =>
    servedOn
      ? `${letter}于 ${chineseDate(servedOn)} 送达${dueOn ? `，${period}自该日起计算至 ${chineseDate(dueOn)}` : ''}`
      : dueOn
        ? `${letter}尚未登记送达：${period}暂按发出日期计算至 ${chineseDate(dueOn)}，登记送达后自送达之日起重新计算；登记前期限届满不作任何处理`
        : `${letter}尚未登记送达`;
  if (d.correction) {
    steps.push(`要求补正：${chineseDate(d.correction.requestedOn)}`);
    if (!d.correction.receivedOn) steps.push(servedFrom('补正告知书', d.correction.servedOn, d.correctionDueOn, '补正期限'));
    if (d.correction.receivedOn) steps.push(`收到补正材料：${chineseDate(d.correction.receivedOn)}，自该日重新计算答复期限（条例第三十条）`);
  }
  steps.push(`法定答复期限：自 ${chineseDate(d.clockStartOn)} 起 ${d.answerPeriod} 个工作日（条例第三十三条）`);
  if (d.extension) steps.push(`延长：${d.extension.workingDays} 个工作日，${chineseDate(d.extension.grantedOn)} 经负责人同意；理由：${d.extension.reason}`);
  if (d.reasonsRequest) {
    steps.push(`要求说明理由：${chineseDate(d.reasonsRequest.requestedOn)}，请申请人于 ${chineseDate(d.reasonsRequest.replyBy)} 前说明（条例第三十五条；答复期限照常计算）`);
    if (d.reasonsRequest.repliedOn) steps.push(`申请人说明理由：${chineseDate(d.reasonsRequest.repliedOn)}收到，理由见办理记录`);
  }
  if (d.deferral) steps.push(`延迟答复：${chineseDate(d.deferral.decidedOn)} 经负责人确定于 ${chineseDate(d.deferral.dueOn)} 前答复（条例第三十五条）；理由：${d.deferral.reason}`);
  const open = d.consultations.find((x) => x.repliedOn === null);
  if (open) steps.push(servedFrom(`致${open.party}的征求意见书`, open.servedOn, d.consultationDueOn, '15个工作日的答复期限'));
  if (d.fee && d.fee.paidOn === null && c.state === 'awaiting_payment') steps.push(servedFrom('收费通知书', d.fee.servedOn, d.paymentDueOn, '缴费期限'));
  for (const p of d.stoppedPeriods) {
    const what = p.reason === 'consultation' ? '征求意见' : '待缴纳信息处理费';
    steps.push(`计时中止（${what}）：${chineseDate(p.from)} 至 ${p.to ? `${chineseDate(p.to)}，${p.workingDays} 个工作日不计入` : '今（尚未恢复）'}`);
  }
  if (d.dueOn)
    steps.push(
      `答复期限：${chineseDate(d.dueOn)}${d.provisional ? '（暂定：跨入尚未公布节假日安排的年度，暂按周末和元旦、劳动节、国庆节的法定日期计算，公布后自动重新计算）' : ''}`,
    );
  return steps;
}

/** The letter whose service an open period waits for (docs/statute.md §6), if any. */
function awaitedLetter(c: CaseView): number | null {
  if (!c.awaitingService) return null;
  return c.letters.filter((l) => !l.service && PERIOD_STARTED_BY[l.kind as LetterKind] === c.awaitingService).at(-1)?.id ?? null;
}

export function casePageModel(
  c: CaseView,
  options: {
    revealedIdNumber?: string;
    /** A jurisdiction's OGI office (政务公开办): reads, decides nothing, sees no personal data. */
    readOnly?: boolean;
    reissued?: { accessCode: string; mailedTo: string | null };
    error?: { message: string; fields?: FieldMessages; rule?: string };
    values?: Record<string, unknown>;
    reselect?: boolean;
    staffOptions: { id: number; name: string }[];
    agencyOptions: { slug: string; name: string }[];
    today: string;
    latestReceivedOn: string;
    isSupervisor: boolean;
    draftLetters: { letters: { title: string; bodyHtml: string; recipient: string }[]; refusal: string | null } | null;
  },
) {
  const a = c.applicant;
  const awaited = awaitedLetter(c);
  const can = Object.fromEntries(c.allowedEvents.map((e) => [e, true]));
  const values = options.values ?? {};
  return {
    title: `申请 ${c.trackingNumber}`,
    c,
    publication: publicationFormModel(c, values.publication as Record<string, unknown> | undefined),
    badges: badgesOf(c),
    dueText: c.dueOn
      ? `${chineseDate(c.dueOn)}${c.workingDaysLeft !== null ? `（${c.workingDaysLeft >= 0 ? `剩余 ${c.workingDaysLeft} 个工作日` : `已超过 ${-c.workingDaysLeft} 个工作日`}）` : ''}`
      : c.state === 'awaiting_correction'
        ? '待补正，收到补正材料后重新计算'
        : '—',
    receivedOnText: chineseDate(c.receivedOn),
    steps: deadlineSteps(c),
    applicant: [
      ['申请人类型', a.kind === 'person' ? '公民' : `法人或者其他组织（${label(ORG_OPTIONS, a.orgCategory)}）`],
      ['姓名或名称', a.name],
      ['证件类型', label(ID_TYPE_OPTIONS, a.idType)],
      ['证件号码', options.revealedIdNumber ?? a.idNumber],
      ['联系电话', a.phone],
      ['电子邮箱', a.email ?? '—'],
      ['通信地址', a.address ?? '—'],
    ].map(([k, v]) => ({ k, v })),
    revealed: Boolean(options.revealedIdNumber) || Boolean(options.readOnly),
    readOnly: Boolean(options.readOnly),
    reissued: options.reissued ?? null,
    // A case transferred on: its code is reissued at the agency it went to.
    canReissueAccessCode: c.outcome?.reason !== 'transferred' && !options.readOnly,
    request: [
      ['内容描述', c.description],
      ['文件名称或文号', c.documentNumber ?? '—'],
      ['用途', c.purpose ?? '—'],
      ['载体形式', FORMATS[c.format] ?? c.format],
      ['获取方式', DELIVERIES[c.delivery] ?? c.delivery],
      ['建议主动公开', c.suggestsPublication ? '是（条例第四十四条）' : '否'],
      ['收到渠道', label(CHANNELS, c.channel)],
      ['收到日期', chineseDate(c.receivedOn)],
    ].map(([k, v]) => ({ k, v })),
    attachments: c.attachments.map((f) => ({
      ...f,
      url: `/staff/cases/${c.trackingNumber}/attachments/${f.id}`,
      roleLabel: ATTACHMENT_ROLES[f.role],
      sizeText: `${Math.max(1, Math.round(f.size / 1024))} KB`,
      // Art. 37: a PDF or image may be redacted before it is released.
      redactable: /^(application\/pdf|image\/(png|jpeg))$/.test(f.mime) && f.role !== 'redacted' && f.role !== 'service_proof',
      redactUrl: `/staff/cases/${c.trackingNumber}/attachments/${f.id}/redact`,
    })),
    // Files on the case an answer may release: working copies, redacted copies, those of a returned draft.
    releasable: c.attachments
      .filter((f) => f.role === 'working' || f.role === 'redacted' || f.role === 'returned')
      .map((f) => ({ id: f.id, filename: f.filename, roleLabel: ATTACHMENT_ROLES[f.role], redacted: f.role === 'redacted' })),
    letters: c.letters.map((l) => ({
      ...l,
      issuedOnText: chineseDate(l.issuedOn),
      recipientLabel: l.recipient === 'third_party' ? '第三方' : '申请人',
      serviceText: l.service ? `${l.service.methodLabel}，${chineseDate(l.service.servedOn)}${l.service.reference ? `（${l.service.reference}）` : ''}` : '',
      startsPeriod: l.id === awaited,
      // The form offers first the letter a period waits for, else the latest one not yet served.
      serviceSuggested: l.id === (awaited ?? c.letters.filter((x) => !x.service).at(-1)?.id),
    })),
    serviceMethods: SERVICE_METHODS.map((value) => ({ value, label: SERVICE_METHOD_LABELS[value] })),
    timeline: c.events.map((e) => ({ ...e, onText: chineseDate(e.on), atText: e.at.slice(11, 16), details: eventDetails(e.type, e.payload) })),
    can,
    anyAction: c.allowedEvents.length > 0 && !options.readOnly,
    // Art. 17: the draft awaiting sign-off, and the letters it will issue, exactly as they will read.
    draft: c.pendingDraft
      ? {
          ...c.pendingDraft,
          draftedAtText: c.pendingDraft.draftedAt ? `${chineseDate(c.pendingDraft.draftedAt.slice(0, 10))} ${c.pendingDraft.draftedAt.slice(11, 16)}` : '',
          letters: options.draftLetters?.letters.map((l) => ({ ...l, recipientLabel: l.recipient === 'third_party' ? '第三方' : '申请人' })) ?? [],
          refusal: options.draftLetters?.refusal ?? null,
        }
      : null,
    // One form per action the workflow allows now: templates/partials/actions/<EVENT>.hbs.
    actionForms: c.allowedEvents.map((type) => ({ partial: `actions/${type}` })),
    error: options.error ?? null,
    errors: options.error?.fields ?? {},
    values,
    reselect: options.reselect ? RESELECT_FILES : null,
    today: options.today,
    latestReceivedOn: options.latestReceivedOn,
    dayOffReceipt: options.latestReceivedOn !== options.today ? '今天不是工作日：节假日以传真、电子邮件等方式收到的，收到日期为其后第一个工作日（条例第三十一条）。' : null,
    staffOptions: options.staffOptions.map((s) => ({ ...s, selected: s.id === c.assignee?.id })),
    agencyOptions: options.agencyOptions.filter((a) => a.slug !== c.agency.slug),
    dispositionOptions: DISPOSITION_CODES.filter((d) => d !== 'other_no_correction' && d !== 'other_fee_unpaid').map((code) => ({
      code,
      label: `${DISPOSITIONS[code].row} ${DISPOSITIONS[code].label}`,
    })),
    extensionRequest: c.deadline.extensionRequest,
    // Table 四: a review or suit against a decision, or against the failure to answer once overdue.
    reviewable: !options.readOnly && (c.state === 'answered' || c.state === 'closed' || c.state === 'overdue' || c.reviews.length > 0),
    reviewTargets: [
      { value: 'decision', label: '答复或其他处理决定', selected: c.state === 'answered' || c.state === 'closed' },
      { value: 'failure_to_answer', label: '逾期未答复（不履行答复职责）', selected: !(c.state === 'answered' || c.state === 'closed') },
    ],
    // Art. 32: disclosing over a third party's objection needs the public-interest reasons.
    thirdPartyObjected: c.deadline.consultations.some((k) => k.partyKind === 'third_party' && k.opinion === 'object'),
    reviews: c.reviews.map((r) => ({
      ...r,
      kindLabel: REVIEW_KIND_LABELS[r.kind],
      outcomeLabel: REVIEW_OUTCOME_LABELS[r.outcome],
      filedOnText: chineseDate(r.filedOn),
      decidedOnText: chineseDate(r.decidedOn),
    })),
    reviewKinds: Object.entries(REVIEW_KIND_LABELS).map(([value, label]) => ({ value, label })),
    reviewOutcomes: Object.entries(REVIEW_OUTCOME_LABELS).map(([value, label]) => ({ value, label })),
    isSupervisor: options.isSupervisor,
    repeatText: c.possibleRepeatOf
      ? `您提出的申请与您此前提出、本机关已于${chineseDate(c.possibleRepeatOf.concludedOn)}答复的申请（编号：${c.possibleRepeatOf.trackingNumber}）内容相同，属于重复申请。`
      : null,
  };
}

/**
 * The publication form (art. 44): the answer rewritten to speak of the applicant, the released files
 * ticked; after a refusal, what the clerk typed and ticked.
 */
function publicationFormModel(c: CaseView, typed: Record<string, unknown> | undefined) {
  const ticked = typed ? [typed.files ?? []].flat().map(String) : null;
  return {
    title: typed ? String(typed.title ?? '') : '',
    question: typed ? String(typed.question ?? '') : c.description,
    answer: typed ? String(typed.answer ?? '') : thirdPerson(c.answerText ?? ''),
    files: c.attachments.filter((f) => f.role === 'released').map((f) => ({ id: f.id, filename: f.filename, checked: ticked ? ticked.includes(f.id) : true })),
  };
}
