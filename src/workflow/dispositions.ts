// Answer codes (art. 36, 37, 35, 39, 30, 42) and their rows in table 三 of the annual report
// (国办公开办函〔2021〕30号), as listed in ogi-rules.md §4.

export const DISPOSITIONS = {
  disclosed: { row: '(一)', label: '予以公开', article: '第三十六条第一项、第二项' },
  partially_disclosed: { row: '(二)', label: '部分公开', article: '第三十七条' },
  withheld_state_secret: { row: '(三)1', label: '不予公开：属于国家秘密', article: '第十四条、第三十六条第三项' },
  withheld_prohibited_by_law: { row: '(三)2', label: '不予公开：其他法律行政法规禁止公开', article: '第十四条、第三十六条第三项' },
  withheld_security_stability: { row: '(三)3', label: '不予公开：危及"三安全一稳定"', article: '第十四条、第三十六条第三项' },
  withheld_third_party_rights: { row: '(三)4', label: '不予公开：保护第三方合法权益', article: '第十五条、第三十二条、第三十六条第三项' },
  withheld_internal_affairs: { row: '(三)5', label: '不予公开：属于三类内部事务信息', article: '第十六条第一款、第三十六条第三项' },
  withheld_process_info: { row: '(三)6', label: '不予公开：属于四类过程性信息', article: '第十六条第二款、第三十六条第三项' },
  withheld_enforcement_file: { row: '(三)7', label: '不予公开：属于行政执法案卷', article: '第十六条第二款、第三十六条第三项' },
  withheld_administrative_query: { row: '(三)8', label: '不予公开：属于行政查询事项', article: '第三十六条第三项' },
  unavailable_not_held: { row: '(四)1', label: '无法提供：本机关不掌握相关政府信息', article: '第三十六条第四项、第五项' },
  unavailable_needs_creation: { row: '(四)2', label: '无法提供：没有现成信息需要另行制作', article: '第三十八条' },
  unavailable_unclear_after_correction: { row: '(四)3', label: '无法提供：补正后申请内容仍不明确', article: '第三十条' },
  rejected_complaint: { row: '(五)1', label: '不予处理：信访举报投诉类申请', article: '第三十九条第一款' },
  rejected_duplicate: { row: '(五)2', label: '不予处理：重复申请', article: '第三十六条第六项' },
  rejected_publication: { row: '(五)3', label: '不予处理：要求提供公开出版物', article: '第三十九条第二款' },
  rejected_excessive: { row: '(五)4', label: '不予处理：无正当理由大量反复申请', article: '第三十五条' },
  rejected_confirmation: { row: '(五)5', label: '不予处理：要求行政机关确认或重新出具已获取信息', article: '第三十九条' },
  other_no_correction: { row: '(六)1', label: '其他处理：申请人逾期不补正、行政机关不再处理', article: '第三十条' },
  other_fee_unpaid: { row: '(六)2', label: '其他处理：申请人逾期未缴纳信息处理费、行政机关不再处理', article: '第四十二条；国办函〔2020〕109号' },
  other: { row: '(六)3', label: '其他处理', article: '第三十六条第七项' },
} as const;

export type Disposition = keyof typeof DISPOSITIONS;

export const DISPOSITION_CODES = Object.keys(DISPOSITIONS) as Disposition[];

/** Codes a clerk may choose in an answer; the two "no longer processed" codes follow only from a lapsed deadline. */
export const ANSWER_DISPOSITIONS = DISPOSITION_CODES.filter((c) => c !== 'other_no_correction' && c !== 'other_fee_unpaid');

export function isDisposition(value: unknown): value is Disposition {
  return typeof value === 'string' && Object.hasOwn(DISPOSITIONS, value);
}
