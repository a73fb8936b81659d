// Check digits of Chinese identity numbers. Pure.

const RESIDENT_ID = /^[1-9]\d{5}(\d{4})(\d{2})(\d{2})\d{3}[\dX]$/;
const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_CHECK = '10X98765432';

/** 公民身份号码 (GB 11643-1999): 6-digit region, birth date, sequence, ISO 7064 MOD 11-2 check character. */
export function residentIdProblem(id: string, today: string): string | null {
  const match = RESIDENT_ID.exec(id);
  if (!match) return '居民身份证号码应为18位，最后一位可以是数字或X';
  const [, y, m, d] = match;
  const birth = `${y}-${m}-${d}`;
  const parsed = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== birth || Number(y) < 1900 || birth > today) {
    return '居民身份证号码中的出生日期不正确';
  }
  const sum = RESIDENT_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  if (RESIDENT_CHECK[sum % 11] !== id[17]) return '居民身份证号码校验位不正确，请核对';
  return null;
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** 统一社会信用代码 (GB 32100-2015): 18 characters without I, O, S, V, Z; MOD 31 check character. */
export function creditCodeProblem(code: string): string | null {
  if (!CREDIT_CODE.test(code)) return '统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）';
  const sum = CREDIT_WEIGHTS.reduce((acc, w, i) => acc + w * CREDIT_CHARS.indexOf(code[i]!), 0);
  const check = (31 - (sum % 31)) % 31;
  if (CREDIT_CHARS[check] !== code[17]) return '统一社会信用代码校验位不正确，请核对';
  return null;
}

/** Masks all but the first and last characters' worth of an identity number for display. */
export function maskIdNumber(id: string): string {
  if (id.length <= 4) return '*'.repeat(id.length);
  const keep = id.length >= 15 ? 4 : 2;
  return id.slice(0, keep) + '*'.repeat(id.length - keep * 2) + id.slice(-keep);
}
