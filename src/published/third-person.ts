// The answer as the reading room prints it (art. 44): written to the applicant ("您申请的…"), it is
// rewritten to speak of the applicant. A suggestion the clerk edits, not a rewrite to trust blindly.

const RULES: [RegExp, string][] = [
  // The salutation line ("张三：", "您好！") names or greets the applicant: dropped.
  [/^[^\n：:]{1,30}[：:]\s*\n/, ''],
  [/您好[！!，,。]?/g, ''],
  [/贵(单位|公司|机构)/g, '申请人'],
  [/(您|你)(们)?/g, '申请人'],
  [/申请人申请人/g, '申请人'],
];

/** The answer's text with the applicant spoken of, not to: 您 → 申请人, the salutation dropped. */
export function thirdPerson(text: string): string {
  return RULES.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text).trim();
}
