// Finds personal data in text meant for everyone (the reading room, docs/security.md D8): any
// resident identity number (with a valid check character and birth date), mainland mobile number,
// fixed phone number with its area code, or e-mail address, whoever's it is, however it is written — full-width digits, spaces, hyphens or
// dots between digits. Pure: the publication guard and, later, the redaction work build on it.

export type PersonalDataKind = 'resident_id' | 'mobile' | 'landline' | 'email';

export const KIND_LABELS: Record<PersonalDataKind, string> = {
  resident_id: '身份证号码',
  mobile: '手机号码',
  landline: '固定电话号码',
  email: '电子邮箱',
};

/** Where a finding is in the text as given (index and length in its own characters), and an excerpt around it. */
export type Finding = { kind: PersonalDataKind; index: number; length: number; excerpt: string };

/** Characters written between digits to space them out: spaces of any width, hyphens and dashes, dots. */
const SEPARATOR = /^[\s\u3000\-‐‑‒–—―－.．·・_]$/u;

/**
 * The text with full-width forms folded (NFKC: '１３８' → '138', '＠' → '@') and separators between
 * digits dropped, and for each of its characters the index in the original.
 */
function compact(text: string): { text: string; at: number[] } {
  const chars: string[] = [];
  const at: number[] = [];
  const folded = [...text].map((c) => c.normalize('NFKC'));
  const isDigit = (c: string | undefined) => c !== undefined && /^[0-9Xx]$/.test(c);
  let offset = 0;
  for (let i = 0; i < folded.length; i += 1) {
    const c = folded[i]!;
    const original = offset;
    offset += [...text][i]!.length;
    if (SEPARATOR.test(c) && isDigit(chars.at(-1))) {
      // Dropped when digits follow after a run of separators.
      let j = i + 1;
      while (j < folded.length && SEPARATOR.test(folded[j]!)) j += 1;
      if (isDigit(folded[j])) continue;
    }
    for (const ch of c) {
      chars.push(ch);
      at.push(original);
    }
  }
  return { text: chars.join(''), at };
}

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_CHECK = '10X98765432';

/** GB 11643-1999: a plausible birth date and the ISO 7064 MOD 11-2 check character. */
function validResidentId(id: string): boolean {
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const date = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== birth || birth < '1900-01-01') return false;
  const sum = RESIDENT_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return RESIDENT_CHECK[sum % 11] === id[17]!.toUpperCase();
}

const PATTERNS: { kind: PersonalDataKind; pattern: RegExp; valid?: (match: string) => boolean }[] = [
  { kind: 'resident_id', pattern: /(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])/g, valid: validResidentId },
  { kind: 'mobile', pattern: /(?<![0-9])(?:(?:\+|00)?86)?1[3-9]\d{9}(?![0-9])/g },
  // An area code (010, 02x, 0xxx) and a 7- or 8-digit number, the code perhaps in brackets.
  { kind: 'landline', pattern: /(?<![0-9])[(（]?0[1-9]\d{1,2}[)）]?\s?[2-9]\d{6,7}(?![0-9])/g },
  { kind: 'email', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
];

export function findPersonalData(text: string): Finding[] {
  const { text: folded, at } = compact(text);
  const findings: Finding[] = [];
  for (const { kind, pattern, valid } of PATTERNS) {
    for (const m of folded.matchAll(pattern)) {
      if (valid && !valid(m[0])) continue;
      const start = at[m.index]!;
      const end = at[m.index + m[0].length - 1]! + 1;
      findings.push({ kind, index: start, length: end - start, excerpt: excerptOf(text, start, end) });
    }
  }
  return findings.sort((a, b) => a.index - b.index);
}

/** The finding with up to 10 characters either side, so that a person can find the place. */
function excerptOf(text: string, start: number, end: number): string {
  const before = text.slice(Math.max(0, start - 10), start);
  const after = text.slice(end, end + 10);
  return `${start > 10 ? '…' : ''}${before}${text.slice(start, end)}${after}${end + 10 < text.length ? '…' : ''}`;
}
