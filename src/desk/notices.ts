// What the desk tells the one who just acted: not "操作已完成", but what was done and what follows —
// the letters issued with their numbers, who was told and how, and the period now running. Pure: built
// from the case as it now stands.
import { chineseDate } from '../letters/chinese-dates.js';
import type { CaseView } from './desk.service.js';

export function whatWasDone(c: CaseView): string | null {
  const last = c.events.at(-1);
  if (!last) return null;
  const issued = c.letters.filter((l) => l.eventSeq === last.seq);
  const parts: string[] = [];
  if (issued.length) {
    parts.push(`已发出${issued.map((l) => `《${l.title}》（${l.documentNumber}）`).join('、')}`);
    const toApplicant = issued.some((l) => l.recipient === 'applicant');
    if (toApplicant && c.applicant.email) parts.push(`通知邮件将发送至申请人的电子邮箱 ${c.applicant.email}`);
    else if (toApplicant && c.applicant.phone) parts.push('申请人未留电子邮箱，将以短信通知其在网上查看');
    if (issued.some((l) => l.recipient === 'third_party')) parts.push('请向第三方送达征求意见书并登记送达');
    if (c.awaitingService) parts.push('期限自送达之日起计算：送达后请在“文书”中登记送达');
  } else {
    parts.push(`已${last.label}`);
  }
  const d = c.deadline;
  if (c.state === 'awaiting_correction' && d.correctionDueOn) parts.push(`补正期限：${chineseDate(d.correctionDueOn)}${c.awaitingService ? '（暂按发文日计算）' : ''}`);
  else if (c.state === 'awaiting_payment' && d.paymentDueOn) parts.push(`缴费期限：${chineseDate(d.paymentDueOn)}${c.awaitingService ? '（暂按发文日计算）' : ''}`);
  else if (c.state === 'consulting' && d.consultationDueOn) parts.push(`第三方答复期限：${chineseDate(d.consultationDueOn)}`);
  else if ((c.state === 'received' || c.state === 'assigned') && c.dueOn) parts.push(`答复期限：${chineseDate(c.dueOn)}`);
  else if (c.state === 'answered' || c.state === 'closed') parts.push('本申请已办结');
  return `${parts.join('；')}。`;
}
