// Answer codes (条例 arts. 36, 37, 35, 38, 39, 30, 42) and their rows in table 三 of the annual report
// (国办公开办函〔2021〕30号), as listed in docs/statute.md §4. `item` is the report's own label for the
// row, word for word; `group` the label of the group (一)…(六) it sits in.

export const DISPOSITION_GROUPS = {
  '(一)': '予以公开',
  '(二)': '部分公开',
  '(三)': '不予公开',
  '(四)': '无法提供',
  '(五)': '不予处理',
  '(六)': '其他处理',
} as const;
export type DispositionGroup = keyof typeof DISPOSITION_GROUPS;

/** The (二) row's note in the report format: a partly disclosed request is counted there only. */
export const PARTIAL_NOTE = '（区分处理的，只计这一情形，不计其他情形）';

const TABLE = {
  disclosed: { row: '(一)', item: '予以公开' },
  partially_disclosed: { row: '(二)', item: '部分公开' },
  withheld_state_secret: { row: '(三)1', item: '属于国家秘密' },
  withheld_prohibited_by_law: { row: '(三)2', item: '其他法律行政法规禁止公开' },
  withheld_security_stability: { row: '(三)3', item: '危及“三安全一稳定”' },
  withheld_third_party_rights: { row: '(三)4', item: '保护第三方合法权益' },
  withheld_internal_affairs: { row: '(三)5', item: '属于三类内部事务信息' },
  withheld_process_info: { row: '(三)6', item: '属于四类过程性信息' },
  withheld_enforcement_file: { row: '(三)7', item: '属于行政执法案卷' },
  withheld_administrative_query: { row: '(三)8', item: '属于行政查询事项' },
  unavailable_not_held: { row: '(四)1', item: '本机关不掌握相关政府信息' },
  unavailable_needs_creation: { row: '(四)2', item: '没有现成信息需要另行制作' },
  unavailable_unclear_after_correction: { row: '(四)3', item: '补正后申请内容仍不明确' },
  rejected_complaint: { row: '(五)1', item: '信访举报投诉类申请' },
  rejected_duplicate: { row: '(五)2', item: '重复申请' },
  rejected_publication: { row: '(五)3', item: '要求提供公开出版物' },
  rejected_excessive: { row: '(五)4', item: '无正当理由大量反复申请' },
  rejected_confirmation: { row: '(五)5', item: '要求行政机关确认或重新出具已获取信息' },
  other_no_correction: { row: '(六)1', item: '申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请' },
  other_fee_unpaid: { row: '(六)2', item: '申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请' },
  other: { row: '(六)3', item: '其他' },
} as const;

export type Disposition = keyof typeof TABLE;

export type DispositionInfo = {
  /** The row of table 三: `(三)1`. */
  row: string;
  group: DispositionGroup;
  /** The report's label of the row, word for word. */
  item: string;
  /** How pages, letters and mails name the outcome: `不予公开：属于国家秘密`. */
  label: string;
};

export const DISPOSITIONS = Object.fromEntries(
  Object.entries(TABLE).map(([code, { row, item }]) => {
    const group = row.slice(0, 3) as DispositionGroup;
    const label = row.length === 3 ? item : `${DISPOSITION_GROUPS[group]}：${item}`;
    return [code, { row, group, item, label }];
  }),
) as Record<Disposition, DispositionInfo>;

export const DISPOSITION_CODES = Object.keys(TABLE) as Disposition[];

/** Codes a clerk may choose in an answer; the two "no longer processed" codes follow only from a lapsed deadline. */
export const ANSWER_DISPOSITIONS = DISPOSITION_CODES.filter((c) => c !== 'other_no_correction' && c !== 'other_fee_unpaid');

/** Art. 36(3): decisions that withhold the information, every (三) row. */
export const isWithholding = (code: Disposition): boolean => DISPOSITIONS[code].group === '(三)';

/** Art. 37 and 36(3): decisions that must give reasons for what is withheld. */
export const withholdsSomething = (code: Disposition): boolean => isWithholding(code) || code === 'partially_disclosed';

export function isDisposition(value: unknown): value is Disposition {
  return typeof value === 'string' && Object.hasOwn(TABLE, value);
}
