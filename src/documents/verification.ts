// The verification code printed on every issued letter: 12 characters of Crockford's base32 (no I, L,
// O or U to misread), 60 random bits, shown in groups of four. Anyone holding a printout enters it at
// /verify and sees the letter as issued.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const VERIFICATION_CODE_LENGTH = 12;

export function newVerificationCode(): string {
  const bytes = randomBytes(VERIFICATION_CODE_LENGTH);
  return Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
}

/** 1234-5678-9ABC */
export function formatVerificationCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/** What a person typed, as stored: case, spaces and dashes ignored, and the letters people confuse with digits read as those. */
export function normaliseVerificationCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return code.length === VERIFICATION_CODE_LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}
