// The annual report's tables (国办公开办函〔2021〕30号; docs/statute.md §5), folded from SQL counts. Pure.
import { DISPOSITION_GROUPS, DISPOSITIONS, DISPOSITION_CODES, PARTIAL_NOTE, type Disposition, type DispositionGroup } from '../workflow/dispositions.js';

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
    row[c.outcome as keyof typeof row] += c.n;
    row.total += c.n;
  }
  return table;
}

/** How the report format numbers and labels the group a result row sits in: （三）不予公开. */
function groupLabel(group: DispositionGroup): string {
  const label = `（${group.slice(1, 2)}）${DISPOSITION_GROUPS[group]}`;
  return group === '(二)' ? `${label}${PARTIAL_NOTE}` : label;
}

/** The item label of a result row inside its group, as the format has it: `1.属于国家秘密`; none for a group of one row. */
function itemLabel(code: Disposition): string {
  const { row, item } = DISPOSITIONS[code];
  return row.length === 3 ? '' : `${row.slice(3)}.${item}`;
}

const ALL_COLUMNS = [...APPLICANT_COLUMNS, 'total'] as const;

/** Rows of table 三 as the official form (国办公开办函〔2021〕30号) lays them out, with the group labels that span rows. */
export function table3Layout(table: Table3) {
  const cells = (key: Table3RowKey) => ALL_COLUMNS.map((c) => table[key][c]);
  const resultRows = DISPOSITION_CODES.map((code) => {
    const { group } = DISPOSITIONS[code];
    const members = DISPOSITION_CODES.filter((c) => DISPOSITIONS[c].group === group);
    return {
      key: code,
      group: groupLabel(group),
      groupSpan: members[0] === code ? members.length : 0,
      single: members.length === 1,
      label: itemLabel(code),
      cells: cells(code),
    };
  });
  return {
    head: ALL_COLUMNS.map((c) => COLUMN_LABELS[c]),
    newRow: cells('new'),
    carriedOverRow: cells('carried_over'),
    resultRows,
    resultSpan: resultRows.length + 1,
    totalRow: cells('total'),
    carriedForwardRow: cells('carried_forward'),
  };
}

export const REVIEW_KIND_LABELS = { review: '行政复议', lawsuit_direct: '行政诉讼（未经复议直接起诉）', lawsuit_after_review: '行政诉讼（复议后起诉）' } as const;
export const REVIEW_OUTCOME_LABELS = { upheld: '结果维持', corrected: '结果纠正', other: '其他结果', pending: '尚未审结' } as const;
const OUTCOMES_AND_TOTAL = [...REVIEW_OUTCOMES, 'total'] as const;
const outcomeLabel = (o: (typeof OUTCOMES_AND_TOTAL)[number]) => (o === 'total' ? '总计' : REVIEW_OUTCOME_LABELS[o]);

/**
 * Table 四 as the format lays it out: 行政复议 (five columns), then 行政诉讼 split into 未经复议直接起诉
 * and 复议后起诉 (five each), over one data row of 15 cells.
 */
export function table4Layout(table: Table4) {
  return {
    outcomes: OUTCOMES_AND_TOTAL.map(outcomeLabel),
    cells: REVIEW_KINDS.flatMap((kind) => OUTCOMES_AND_TOTAL.map((o) => table[kind][o])),
  };
}

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csvLine = (cells: (string | number)[]) => cells.map((c) => quote(String(c))).join(',');

/** Table 三 and table 四 of a year as CSV, laid out as the format has them (a merged cell is one cell and blanks). */
export function reportCsv(args: { year: number; agencyName: string; table: Table3; table4: Table4 }): string {
  const t3 = table3Layout(args.table);
  const lines = [
    csvLine([`${args.year}年度 ${args.agencyName} 收到和处理政府信息公开申请情况`]),
    csvLine(['（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）', '', '', '申请人情况', '', '', '', '', '', '']),
    csvLine(['', '', '', COLUMN_LABELS.person, '法人或其他组织', '', '', '', '', COLUMN_LABELS.total]),
    csvLine(['', '', '', '', COLUMN_LABELS.business, COLUMN_LABELS.research, COLUMN_LABELS.public_welfare, COLUMN_LABELS.legal_services, COLUMN_LABELS.other_org, '']),
    csvLine(['一、本年新收政府信息公开申请数量', '', '', ...t3.newRow]),
    csvLine(['二、上年结转政府信息公开申请数量', '', '', ...t3.carriedOverRow]),
    ...t3.resultRows.map((r, k) => csvLine([k === 0 ? '三、本年度办理结果' : '', r.groupSpan ? r.group : '', r.label, ...r.cells])),
    csvLine(['', '（七）总计', '', ...t3.totalRow]),
    csvLine(['四、结转下年度继续办理', '', '', ...t3.carriedForwardRow]),
    '',
    csvLine(['政府信息公开行政复议、行政诉讼情况']),
    csvLine(['行政复议', '', '', '', '', '行政诉讼', '', '', '', '', '', '', '', '', '']),
    csvLine(['', '', '', '', '', '未经复议直接起诉', '', '', '', '', '复议后起诉', '', '', '', '']),
    csvLine(REVIEW_KINDS.flatMap(() => OUTCOMES_AND_TOTAL.map(outcomeLabel))),
    csvLine(table4Layout(args.table4).cells),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
