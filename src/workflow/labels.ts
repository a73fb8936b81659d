// How the workflow's vocabulary reads in Chinese, for pages, letters, mails and error messages.
import type { CaseState, EventType } from './types.js';

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

export const EVENT_LABELS: Record<EventType | 'SUBMITTED' | 'REGISTERED' | 'CALENDAR_CHANGED' | 'TRANSFERRED_IN' | 'REMINDER' | 'ID_REVEALED' | 'ACCESS_CODE_REISSUED' | 'NOTE', string> = {
  SUBMITTED: '网上提交申请',
  REGISTERED: '登记申请',
  TRANSFERRED_IN: '由其他机关转来',
  ASSIGN: '分办',
  REQUEST_CORRECTION: '告知补正',
  CORRECTION_RECEIVED: '收到补正材料',
  CONSULT_THIRD_PARTY: '征求第三方或其他机关意见',
  THIRD_PARTY_REPLIED: '收到意见',
  REQUEST_REASONS: '要求申请人说明理由',
  DEFER_ANSWER: '确定延迟答复的期限',
  REASONS_GIVEN: '申请人说明理由',
  REQUEST_EXTENSION: '申请延长答复期限（待负责人审批）',
  EXTEND: '延长答复期限',
  ISSUE_FEE_NOTICE: '发出收费通知',
  FEE_PAID: '缴纳信息处理费',
  TRANSFER: '告知并转送负责机关',
  ANSWER: '作出答复',
  WITHDRAW: '申请人撤回申请',
  REOPEN: '恢复办理（申请人有正当理由逾期补正）',
  DEADLINE_PASSED: '答复期限届满',
  CORRECTION_PERIOD_ENDED: '补正期限届满，不再处理',
  CONSULTATION_PERIOD_ENDED: '征求意见期限届满，恢复计时',
  PAYMENT_PERIOD_ENDED: '缴费期限届满，不再处理',
  CALENDAR_CHANGED: '节假日安排调整，期限重新计算',
  REMINDER: '到期提醒',
  ID_REVEALED: '查看完整证件号码',
  ACCESS_CODE_REISSUED: '重新生成查询码',
  NOTE: '内部备注',
};
