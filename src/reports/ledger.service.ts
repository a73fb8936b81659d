// The case ledger (台账) as a spreadsheet: every case of a scope received in a period, with its dates,
// disposition and letters, for the agency's own records and for supervision (issue 32).
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { today } from '../calendar/clock.js';
import { isoDateField } from '../calendar/dates.js';
import { parseInput } from '../common/validation.js';
import { xlsxOf } from '../common/spreadsheets.js';
import { maskName } from '../documents/documents.service.js';
import { CHANNEL_OPTIONS } from '../requests/application.form.js';
import type { Principal } from '../staff/principal.js';
import { DISPOSITIONS, isDisposition } from '../workflow/dispositions.js';
import { stateLabel } from '../workflow/labels.js';
import { ledgerRows } from './reports.repository.js';
import { reportScope } from './reports.service.js';
import { COLUMN_LABELS } from './tables.js';

const periodInput = z
  .object({ from: isoDateField.optional(), to: isoDateField.optional(), agency: z.string().optional(), jurisdiction: z.string().optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '开始日期不能晚于结束日期', path: ['to'] });

export async function ledgerXlsx(ctx: AppContext, principal: Principal, query: unknown): Promise<{ file: Buffer; filename: string }> {
  const q = parseInput(periodInput, query);
  const on = today(ctx.clock);
  const from = q.from ?? `${on.slice(0, 4)}-01-01`;
  const to = q.to ?? on;
  const scope = await reportScope(ctx, principal, q);
  const rows = await ledgerRows(ctx.db, { start: from, end: to, agencyIds: scope.agencyIds });
  // A jurisdiction's OGI office supervises; it does not need the applicants' names.
  const name = principal.role === 'overseer' ? maskName : (n: string) => n;
  const channel = (c: string) => CHANNEL_OPTIONS.find(([value]) => value === c)?.[1] ?? (c === 'transfer' ? '其他机关转送' : c);
  const file = await xlsxOf([
    {
      name: '台账',
      columns: [
        { header: '申请编号', width: 20 },
        { header: '机关', width: 28 },
        { header: '收到日期', width: 12 },
        { header: '渠道' },
        { header: '申请人类别' },
        { header: '申请人', width: 16 },
        { header: '所需信息', width: 48 },
        { header: '状态' },
        { header: '答复期限', width: 12 },
        { header: '办结日期', width: 12 },
        { header: '处理结果', width: 24 },
        { header: '文书', width: 60 },
      ],
      rows: rows.map((r) => [
        r.tracking_number,
        r.agency,
        r.received_on,
        channel(r.channel),
        COLUMN_LABELS[r.applicant_column as keyof typeof COLUMN_LABELS] ?? r.applicant_column,
        name(r.applicant_name),
        r.description,
        stateLabel(r.state),
        r.due_on,
        r.concluded_on,
        isDisposition(r.disposition) ? DISPOSITIONS[r.disposition].label : null,
        r.letters,
      ]),
    },
  ]);
  return { file, filename: `${scope.name}政府信息公开申请台账（${from}至${to}）.xlsx` };
}
