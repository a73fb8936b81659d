// How the workflow's vocabulary reads in Chinese, for pages, letters, mails and error messages.
import type { CaseState, ServiceMethod, TimelineType } from './types.js';

export const STATE_LABELS: Record<CaseState, string> = {
  received: '已受理，待分办',
  assigned: '办理中',
  awaiting_correction: '待申请人补正',
  consulting: '征求意见中（计时中止）',
  awaiting_payment: '待缴纳信息处理费（计时中止）',
  overdue: '已超过答复期限，仍在办理',
  answered: '已答复',
  closed: '已终止处理',
};

/**
 * Every kind of timeline entry: how it reads, and who sees it (the applicant is told of every step on
 * the request except the agency's internal ones). Exhaustive, so a new step must be placed here before
 * it compiles; an entry of a type not named here (from a later version) is shown to staff only.
 */
export const TIMELINE = {
  SUBMITTED: { label: '网上提交申请', seenBy: 'applicant' },
  REGISTERED: { label: '登记申请', seenBy: 'applicant' },
  TRANSFERRED_IN: { label: '由其他机关转来', seenBy: 'applicant' },
  ASSIGN: { label: '分办', seenBy: 'staff' },
  REQUEST_CORRECTION: { label: '告知补正', seenBy: 'applicant' },
  CORRECTION_RECEIVED: { label: '收到补正材料', seenBy: 'applicant' },
  CONSULT_THIRD_PARTY: { label: '征求第三方或其他机关意见', seenBy: 'applicant' },
  THIRD_PARTY_REPLIED: { label: '收到意见', seenBy: 'applicant' },
  REQUEST_REASONS: { label: '要求申请人说明理由', seenBy: 'applicant' },
  DEFER_ANSWER: { label: '确定延迟答复的期限', seenBy: 'applicant' },
  REASONS_GIVEN: { label: '申请人说明理由', seenBy: 'applicant' },
  REQUEST_EXTENSION: { label: '申请延长答复期限（待负责人审批）', seenBy: 'staff' },
  EXTEND: { label: '延长答复期限', seenBy: 'applicant' },
  REFUSE_EXTENSION: { label: '负责人不同意延长答复期限', seenBy: 'staff' },
  ISSUE_FEE_NOTICE: { label: '发出收费通知', seenBy: 'applicant' },
  FEE_PAID: { label: '缴纳信息处理费', seenBy: 'applicant' },
  TRANSFER: { label: '告知并转送负责机关', seenBy: 'applicant' },
  ANSWER: { label: '作出答复', seenBy: 'applicant' },
  WITHDRAW: { label: '申请人撤回申请', seenBy: 'applicant' },
  REOPEN: { label: '恢复办理（申请人有正当理由逾期补正）', seenBy: 'applicant' },
  DEADLINE_PASSED: { label: '答复期限届满', seenBy: 'applicant' },
  CORRECTION_PERIOD_ENDED: { label: '补正期限届满，不再处理', seenBy: 'applicant' },
  CONSULTATION_PERIOD_ENDED: { label: '征求意见期限届满，恢复计时', seenBy: 'applicant' },
  PAYMENT_PERIOD_ENDED: { label: '缴费期限届满，不再处理', seenBy: 'applicant' },
  CALENDAR_CHANGED: { label: '节假日安排调整，期限重新计算', seenBy: 'applicant' },
  REMINDER: { label: '到期提醒', seenBy: 'staff' },
  ID_REVEALED: { label: '查看完整证件号码', seenBy: 'staff' },
  ACCESS_CODE_REISSUED: { label: '重新生成查询码', seenBy: 'applicant' },
  ACCESS_CODE_RECOVERY: { label: '申请人找回查询码：确认链接已发送至其电子邮箱', seenBy: 'applicant' },
  PUBLISHED: { label: '答复在政府信息公开阅览室公开（条例第四十四条）', seenBy: 'applicant' },
  PUBLICATION_WITHDRAWN: { label: '阅览室中公开的答复已撤回', seenBy: 'applicant' },
  NOTE: { label: '内部备注', seenBy: 'staff' },
  CORRECT_LETTER: { label: '更正或撤销已发出的文书', seenBy: 'applicant' },
  // Art. 17: the agency's review before a decision is issued is internal; the applicant sees the decision.
  DRAFTED: { label: '拟稿，送负责人审签', seenBy: 'staff' },
  SIGN_OFF: { label: '负责人审签，签发', seenBy: 'staff' },
  SECRECY_REVIEW: { label: '保密审查', seenBy: 'staff' },
  REVIEWED: { label: '负责人审核，送签发', seenBy: 'staff' },
  RETURN_DRAFT: { label: '负责人退回拟稿', seenBy: 'staff' },
  LETTER_SERVED: { label: '文书送达', seenBy: 'applicant' },
} as const satisfies Record<TimelineType, { label: string; seenBy: 'applicant' | 'staff' }>;

export const EVENT_LABELS = Object.fromEntries(Object.entries(TIMELINE).map(([type, t]) => [type, t.label])) as Record<TimelineType, string>;

/** The applicant's view shows entries of this type (requests/applicant-view.ts). */
export function shownToApplicant(type: string): boolean {
  return (TIMELINE as Record<string, { seenBy: string }>)[type]?.seenBy === 'applicant';
}

/** The label of a timeline entry's type; an unknown type (from a later version) reads as itself. */
export function eventLabel(type: string): string {
  return (EVENT_LABELS as Record<string, string>)[type] ?? type;
}

export function stateLabel(state: string): string {
  return (STATE_LABELS as Record<string, string>)[state] ?? state;
}

/** How a letter was served (docs/statute.md §6). */
export const SERVICE_METHOD_LABELS: Record<ServiceMethod, string> = {
  post: '邮寄送达',
  in_person: '直接送达',
  email: '电子送达（电子邮件）',
  sms: '电子送达（短信链接）',
  portal: '电子送达（申请平台查阅）',
};
