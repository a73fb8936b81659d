// Gathers a case's file (案卷) for renderCaseFile: the application, its files, the letters as
// issued, the mails sent, the timeline with who did what. Staff of agencies that may see the case only.
import { toShanghaiIso } from '../calendar/dates.js';
import type { AppContext } from '../context.js';
import { findAgencyById, findAgencySeal } from '../agencies/agencies.repository.js';
import { caseView, findVisibleCase } from '../desk/desk.service.js';
import { eventDetails } from '../desk/desk.view.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { listIssuedLetters } from '../letters/letters.repository.js';
import { mailsOfCase } from '../notifications/outbox.repository.js';
import { attachmentContent, listAttachments } from '../requests/attachments.repository.js';
import type { Principal } from '../staff/principal.js';
import { CHANNEL_OPTIONS } from '../requests/application.form.js';
import { renderCaseFile, type CaseFileVariant, type FileItem } from './case-file.js';
import { letterPdfInput } from './documents.service.js';
import { publicUrlOf } from '../jurisdictions/jurisdictions.service.js';

/** What the 行政复议 bundle leaves out: the agency's internal notes and its record of who looked at an identity number. */
const INTERNAL: ReadonlySet<string> = new Set(['NOTE', 'ID_REVEALED']);

const MAIL_STATUS: Record<string, string> = { sent: '已发送', pending: '待发送', failed: '发送失败' };

export async function caseFilePdf(ctx: AppContext, principal: Principal, trackingNumber: string, variant: CaseFileVariant): Promise<{ pdf: Buffer; trackingNumber: string }> {
  const row = await findVisibleCase(ctx, principal, trackingNumber);
  const [view, agency, seal, letters, files, mails] = await Promise.all([
    caseView(ctx, principal, row),
    findAgencyById(ctx.db, row.agencyId),
    findAgencySeal(ctx.db, row.agencyId),
    listIssuedLetters(ctx.db, row.id),
    listAttachments(ctx.db, row.id),
    mailsOfCase(ctx.db, row.id),
  ]);
  const base = await publicUrlOf(ctx, agency!);
  const content = async (f: (typeof files)[number]): Promise<FileItem> => {
    const chunks: Buffer[] = [];
    for await (const chunk of attachmentContent(ctx.db, f.id)) chunks.push(chunk);
    return { filename: f.filename, mime: f.mime, size: f.size, content: Buffer.concat(chunks) };
  };
  const a = view.applicant;
  const now = ctx.clock.now();
  const pdf = await renderCaseFile(
    {
      variant,
      generatedAt: now,
      generatedOnText: chineseDate(toShanghaiIso(now).slice(0, 10)),
      agencyName: agency!.name,
      trackingNumber: row.trackingNumber,
      cover: [
        ['机关', agency!.name],
        ['申请编号', row.trackingNumber],
        ['申请人', a.name],
        ['收到申请日期', chineseDate(row.receivedOn)],
        ['办理状态', view.stateLabel],
        ['处理结果', view.dispositionLabel ? `${view.dispositionLabel}（${chineseDate(view.concludedOn)}）` : '—'],
      ],
      application: [
        ['申请人', a.name],
        ['证件号码', a.idNumber],
        ['联系电话', a.phone],
        ['电子邮箱', a.email ?? '—'],
        ['通信地址', a.address ?? '—'],
        ['所需信息的内容描述', view.description],
        ['文件名称或文号', view.documentNumber ?? '—'],
        ['用途', view.purpose ?? '—'],
        ['收到渠道及日期', `${CHANNEL_OPTIONS.find(([value]) => value === row.channel)?.[1] ?? '其他机关转送'}，${chineseDate(row.receivedOn)}`],
      ],
      applicationFiles: await Promise.all(files.filter((f) => f.role === 'application' || f.role === 'correction').map(content)),
      letters: letters.map((l) => letterPdfInput(base, l, agency!, seal)),
      releasedFiles: await Promise.all(files.filter((f) => f.role === 'released').map(content)),
      service: view.letters.flatMap((l) => {
        const letter = `《${l.title}》（${l.documentNumber}，致${l.recipient === 'third_party' ? '第三方' : '申请人'}）`;
        if (!l.service) return [['—', `${letter}：尚未登记送达`] as [string, string]];
        return l.service.records.map(
          (r) =>
            [
              chineseDate(r.servedOn),
              `${letter}：${r.methodLabel}${r.reference ? `；凭证：${r.reference}` : ''}${r.proofFilename ? `；送达回证：${r.proofFilename}` : ''}；登记：${r.recordedByName}`,
            ] as [string, string],
        );
      }),
      serviceProofs: await Promise.all(files.filter((f) => f.role === 'service_proof').map(content)),
      mails: mails.map((m) => [chineseDate(toShanghaiIso(m.sentAt ?? m.createdAt).slice(0, 10)), `${m.subject}；收件人 ${m.recipient}；${MAIL_STATUS[m.status] ?? m.status}`]),
      timeline: view.events
        .filter((e) => variant === 'archive' || !INTERNAL.has(e.type))
        .map((e) => ({ when: `${chineseDate(e.on)} ${e.at.slice(11, 16)}`, label: e.label, actor: e.actor.name, details: eventDetails(e.type, e.payload) })),
    },
    ctx.pdfFonts(),
  );
  return { pdf, trackingNumber: row.trackingNumber };
}
