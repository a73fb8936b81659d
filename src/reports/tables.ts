// The annual report's tables (国办公开办函〔2021〕30号; ogi-rules.md §5), folded from SQL counts. Pure.
import { DISPOSITIONS, DISPOSITION_CODES, type Disposition } from '../workflow/dispositions.js';

/** Table 三's applicant columns: 自然人 | 法人或其他组织 (商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他) | 总计. */
export const APPLICANT_COLUMNS = ['person', 'business', 'research', 'public_welfare', 'legal_services', 'other_org'] as const;
export type ApplicantColumn = (typeof APPLICANT_COLUMNS)[number];
export type Cells = Record<ApplicantColumn | 'total', number>;

export const TABLE3_ROWS = ['new', 'carried_over', ...DISPOSITION_CODES, 'total', 'carried_forward'] as const;
export type Table3RowKey = (typeof TABLE3_ROWS)[number];
export type Table3 = Record<Table3RowKey, Cells>;

export const COLUMN_LABELS: Record<ApplicantColumn | 'total', string> = {
  person: '自然人',
  business: '商业企业',
  research: '科研机构',
  public_welfare: '社会公益组织',
  legal_services: '法律服务机构',
  other_org: '其他',
  total: '总计',
};

/** The count of one applicant column and disposition (null while open) in each of the four spans of the year. */
export type Table3Count = { column: string; disposition: string | null; new: number; carriedOver: number; concluded: number; carriedForward: number };

const empty = (): Cells => ({ person: 0, business: 0, research: 0, public_welfare: 0, legal_services: 0, other_org: 0, total: 0 });

export function foldTable3(counts: Table3Count[]): Table3 {
  const table = Object.fromEntries(TABLE3_ROWS.map((k) => [k, empty()])) as Table3;
  const add = (row: Table3RowKey, column: ApplicantColumn, n: number) => {
    table[row][column] += n;
    table[row].total += n;
  };
  for (const c of counts) {
    if (!(APPLICANT_COLUMNS as readonly string[]).includes(c.column)) continue;
    const column = c.column as ApplicantColumn;
    add('new', column, c.new);
    add('carried_over', column, c.carriedOver);
    add('carried_forward', column, c.carriedForward);
    if (c.concluded && c.disposition && c.disposition in DISPOSITIONS) {
      add(c.disposition as Disposition, column, c.concluded);
      add('total', column, c.concluded);
    }
  }
  return table;
}

/** The report's identities: 一 + 二 = (七) + 四 in every column, and the columns add up to 总计 in every row. */
export function table3Problems(table: Table3): string[] {
  const problems: string[] = [];
  for (const column of [...APPLICANT_COLUMNS, 'total'] as const) {
    const lhs = table.new[column] + table.carried_over[column];
    const rhs = table.total[column] + table.carried_forward[column];
    if (lhs !== rhs) problems.push(`${COLUMN_LABELS[column]}：本年新收 + 上年结转 = ${lhs}，总计 + 结转下年度 = ${rhs}`);
  }
  for (const row of TABLE3_ROWS) {
    const sum = APPLICANT_COLUMNS.reduce((s, c) => s + table[row][c], 0);
    if (sum !== table[row].total) problems.push(`${row}：各列之和 ${sum} 不等于总计 ${table[row].total}`);
  }
  return problems;
}

/** Table 四: reviews and suits against answers, by outcome. */
export const REVIEW_KINDS = ['review', 'lawsuit_direct', 'lawsuit_after_review'] as const;
export const REVIEW_OUTCOMES = ['upheld', 'corrected', 'other', 'pending'] as const;
export type Table4 = Record<(typeof REVIEW_KINDS)[number], Record<(typeof REVIEW_OUTCOMES)[number] | 'total', number>>;

export function foldTable4(counts: { kind: string; outcome: string; n: number }[]): Table4 {
  const table = Object.fromEntries(REVIEW_KINDS.map((k) => [k, { upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 }])) as Table4;
  for (const c of counts) {
    const row = table[c.kind as keyof Table4];
    if (!row || !(c.outcome in row)) continue;
    row[c.outcome as keyof (typeof row)] += c.n;
    row.total += c.n;
  }
  return table;
}

/** Rows of table 三 as the official form lays them out, with the group labels that span rows. */
export function table3Layout(table: Table3) {
  const group = (code: string) => DISPOSITIONS[code as Disposition].row.match(/^\(.\)/)![0];
  const GROUPS: Record<string, string> = { '(一)': '（一）予以公开', '(二)': '（二）部分公开（区分处理的，只计这一情形，不计其他情形）', '(三)': '（三）不予公开', '(四)': '（四）无法提供', '(五)': '（五）不予处理', '(六)': '（六）其他处理' };
  const cells = (key: Table3RowKey) => [...APPLICANT_COLUMNS, 'total'].map((c) => table[key][c as ApplicantColumn | 'total']);
  const resultRows = DISPOSITION_CODES.map((code) => {
    const g = group(code);
    const members = DISPOSITION_CODES.filter((c) => group(c) === g);
    const sub = DISPOSITIONS[code].row.slice(g.length);
    return {
      key: code,
      group: GROUPS[g]!,
      groupSpan: members[0] === code ? (members.length > 1 ? members.length : 1) : 0,
      single: members.length === 1,
      label: members.length === 1 ? '' : `${sub}.${DISPOSITIONS[code].label.replace(/^[^：]+：/, '')}`,
      cells: cells(code),
    };
  });
  return {
    head: [...APPLICANT_COLUMNS, 'total'].map((c) => COLUMN_LABELS[c as ApplicantColumn | 'total']),
    newRow: cells('new'),
    carriedOverRow: cells('carried_over'),
    resultRows,
    resultSpan: resultRows.length + 1,
    totalRow: cells('total'),
    carriedForwardRow: cells('carried_forward'),
  };
}

export function table3Csv(args: { year: number; agencyName: string; table: Table3 }): string {
  const header = ['行', ...[...APPLICANT_COLUMNS, 'total'].map((c) => COLUMN_LABELS[c as ApplicantColumn | 'total'])];
  const label = (key: Table3RowKey) =>
    key === 'new' ? '一、本年新收政府信息公开申请数量'
      : key === 'carried_over' ? '二、上年结转政府信息公开申请数量'
        : key === 'total' ? '三、本年度办理结果（七）总计'
          : key === 'carried_forward' ? '四、结转下年度继续办理'
            : `三、本年度办理结果${DISPOSITIONS[key].row} ${DISPOSITIONS[key].label}`;
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [`${args.year}年度 ${args.agencyName} 收到和处理政府信息公开申请情况`, header.join(',')];
  for (const key of TABLE3_ROWS) lines.push([quote(label(key)), ...[...APPLICANT_COLUMNS, 'total'].map((c) => String(args.table[key][c as ApplicantColumn | 'total']))].join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
