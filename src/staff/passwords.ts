// Password hashing with scrypt (memory-hard, in Node's crypto): N=2^15, r=8, p=1 uses 32 MiB per hash.
import { randomBytes, randomInt, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...PARAMS, maxmem: MAX_MEMORY });
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEMORY,
  });
  return timingSafeEqual(actual, expected);
}

export const MIN_PASSWORD = 10;

/**
 * What a password someone chooses for themselves must be (GB/T 22239-2019 8.1.4.1 a, 身份鉴别信息具有
 * 复杂度要求): 10 characters or more, of at least three kinds (lower case, upper case, digits, other
 * characters), without the name part of the person's e-mail address. Null when it is.
 */
export function weakPasswordReason(password: string, email: string): string | null {
  if (password.length < MIN_PASSWORD) return `新密码至少 ${MIN_PASSWORD} 个字符`;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((kind) => kind.test(password)).length;
  if (kinds < 3) return '新密码须包含小写字母、大写字母、数字、其他符号中的至少三种';
  const name = email.split('@')[0]!.toLowerCase();
  if (name.length >= 3 && password.toLowerCase().includes(name)) return '新密码不能包含邮箱的用户名部分';
  return null;
}

let dummy: Promise<string> | null = null;

/** Spends the same time as a real check when the account does not exist, so timing does not reveal which e-mails exist. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(12).toString('hex'));
  await verifyPassword(password, await dummy);
  return false;
}

// No 0/O/o, 1/I/l/L, 5/S, 2/Z: a generated password is read off a screen and passed on by hand.
const PASSWORD_ALPHABET = 'ABCDEFGHJKMNPQRTUVWXYabcdefghjkmnpqrtuvwxy346789';
const PASSWORD_LENGTH = 16;

/** 16 characters of 48: about 89 bits. */
export function generatePassword(): string {
  let password = '';
  for (let i = 0; i < PASSWORD_LENGTH; i += 1) password += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return password;
}
