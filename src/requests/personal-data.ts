// Identity numbers at rest (个人信息保护法 art. 28, 51: an identity number is sensitive personal
// information, to be protected by encryption). The number is stored sealed with AES-256-GCM under the
// installation's key, and the applicant key that finds the same applicant's other requests (art. 35,
// 36(6), fees) is an HMAC under that key: a plain hash of an 18-digit number can be reversed by
// trying every plausible number. Pure: the key is passed in.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/** 32 bytes, or null where the installation runs without one (PostgreSQL without PERSONAL_DATA_KEY). */
export type PersonalDataKey = Buffer | null;

// Also in the predicate of the index that finds unsealed numbers (db/schema.ts, idNumberUnsealed).
const PREFIX = 'enc1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const isSealed = (stored: string) => stored.startsWith(PREFIX);

/** The number as stored: sealed under the key, or as given when there is none. */
export function sealIdNumber(key: PersonalDataKey, idNumber: string): string {
  if (!key || isSealed(idNumber)) return idNumber;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(idNumber, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

export class PersonalDataKeyError extends Error {}

/** The number itself. Rows written before the key was set, or by hand, may hold it unsealed. */
export function openIdNumber(key: PersonalDataKey, stored: string): string {
  if (!isSealed(stored)) return stored;
  if (!key) throw new PersonalDataKeyError('证件号码已加密保存，但没有设置 PERSONAL_DATA_KEY');
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  // A wrong key fails the tag check; a damaged value may fail sooner (a short tag): the same answer.
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new PersonalDataKeyError('证件号码无法用当前的 PERSONAL_DATA_KEY 解密');
  }
}

/** Finds the same applicant's requests without revealing the number: HMAC under the key (plain SHA-256 without one). */
export function applicantKeyOf(key: PersonalDataKey, applicant: { idType: string; idNumber: string }): string {
  const text = `${applicant.idType}:${applicant.idNumber}`;
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(text).digest('hex');
}

/** Stored once per database, so that an instance started with another key refuses to start. */
export function keyCheckOf(key: Buffer): string {
  return createHmac('sha256', key).update('ogi personal data key check').digest('hex');
}
