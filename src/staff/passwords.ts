// Password hashing with scrypt (memory-hard, in Node's crypto): N=2^15, r=8, p=1 uses 32 MiB per hash.
// The cost is part of each stored hash, so a check uses the cost the hash was made with.
import { randomBytes, randomInt, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
/** log2 of scrypt's N for new hashes; Config.passwordHashCost may lower it for tests only. */
export const PASSWORD_HASH_COST = 15;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

export async function hashPassword(password: string, cost = PASSWORD_HASH_COST): Promise<string> {
  const salt = randomBytes(16);
  const params = { N: 2 ** cost, r: 8, p: 1 };
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...params, maxmem: MAX_MEMORY });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
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

const dummies = new Map<number, Promise<string>>();

/** Spends the same time as a real check when the account does not exist, so timing does not reveal which e-mails exist. */
export async function verifyAgainstNothing(password: string, cost = PASSWORD_HASH_COST): Promise<false> {
  let dummy = dummies.get(cost);
  if (!dummy) dummies.set(cost, (dummy = hashPassword(randomBytes(12).toString('hex'), cost)));
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
