// Staff sign-in: bearer tokens for the API and session cookies for pages share one sessions table;
// only a hash of each token is stored.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EMAIL_MESSAGE, isEmailAddress } from '../common/email.js';
import { toShanghaiIso } from '../calendar/dates.js';
import type { AppContext } from '../context.js';
import { placeOf } from './accounts.service.js';
import { AppError, validationFailed } from '../common/errors.js';
import { MAX_INTEGER, parseInput } from '../common/validation.js';
import { generatePassword, hashPassword, MIN_PASSWORD, verifyAgainstNothing, verifyPassword, weakPasswordReason } from './passwords.js';
import type { Principal } from './principal.js';
import { ATTEMPT_LIMITS, pausedUntil, secondsUntil, windowEnd, WINDOW_MINUTES } from '../throttling/attempt-windows.js';
import { clearAttempts, countAttempt, deleteEndedWindows, findAttemptWindow } from '../throttling/attempt-windows.repository.js';
import {
  countActiveAdmins,
  deleteEndedSessions,
  deleteSession,
  deleteSessionsOf,
  findLiveSession,
  findStaffByEmail,
  findStaffById,
  insertSession,
  insertStaff,
  setDisabled,
  setPasswordHash,
  touchSession,
} from './staff.repository.js';
import { uniqueViolation } from '../db/client.js';

export const SESSION_HOURS = 12;
/**
 * A page session unused this long has ended (GB/T 22239-2019 8.1.4.1 b, 登录连接超时自动退出): a
 * desk left signed in on an office computer does not stay open. Typing on a page counts as use
 * (templates/assets/app.js asks GET /staff/session now and then). Bearer tokens, held by programs,
 * end only with SESSION_HOURS.
 */
export const SESSION_IDLE_MINUTES = 30;
// A session's last use is written at most once a minute.
const TOUCH_AFTER_MS = 60_000;
const idleFrom = (now: Date) => new Date(now.getTime() - SESSION_IDLE_MINUTES * 60_000);

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const loginInput = z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(200) });

/**
 * Sign-in failures are limited (GB/T 22239-2019 等级保护基本要求 8.1.4.1 b, 限制非法登录次数): an
 * address may be tried 5 times in a window of 15 minutes from the first try; further tries are
 * refused until the window ends, the right password too, and a successful sign-in or an
 * administrator's password reset starts the count again. Counted per address whether an account
 * has it or not, so the answers do not tell which addresses have one; counted in the database, so
 * that neither several instances nor many client addresses multiply it (throttling/attempt-windows.ts).
 */
export const SIGN_IN_ATTEMPTS = ATTEMPT_LIMITS.sign_in_address;
export const SIGN_IN_WINDOW_MINUTES = WINDOW_MINUTES;

const shanghaiTime = (at: Date) => toShanghaiIso(at).slice(11, 16);

/**
 * Password spraying (one client, many addresses, a password or two each) passes under every
 * address's own count: a client's failed sign-ins are counted too, page and API alike, and past
 * ATTEMPT_LIMITS.sign_in_client in the window that client is refused until it ends (429); other
 * clients sign in as usual. A budget of RATE_LIMIT_PER_MINUTE: off when it is 0.
 */
async function refuseSprayingClient(ctx: AppContext, client: string | undefined, now: Date): Promise<void> {
  if (!client || ctx.config.rateLimitPerMinute === 0) return;
  const until = pausedUntil('sign_in_client', await findAttemptWindow(ctx.db, { scope: 'sign_in_client', key: client, now }), now);
  if (until) {
    throw new AppError(429, 'auth.client_paused', `本机登录失败次数过多，请于 ${shanghaiTime(until)}（北京时间）后再试`, { retryAfter: secondsUntil(until, now) });
  }
}

export async function login(ctx: AppContext, input: unknown, kind: 'api' | 'web' = 'api', client?: string) {
  const { email: typed, password } = parseInput(loginInput, input);
  const email = typed.toLowerCase();
  const now = ctx.clock.now();
  await refuseSprayingClient(ctx, client, now);
  // Counted before the password is checked: tries arriving together cannot all get past the count.
  const window = await countAttempt(ctx.db, { scope: 'sign_in_address', key: email, now });
  const { attempts } = window;
  const windowEnds = windowEnd(window);
  if (attempts > SIGN_IN_ATTEMPTS) {
    throw new AppError(401, 'auth.sign_in_paused', `登录尝试次数过多，该账号暂停登录至 ${shanghaiTime(windowEnds)}（北京时间），请届时再试；忘记密码请联系管理员重置`);
  }
  const account = await findStaffByEmail(ctx.db, email);
  const valid = account && !account.disabledAt ? await verifyPassword(password, account.passwordHash) : await verifyAgainstNothing(password, ctx.config.passwordHashCost);
  if (!account || !valid) {
    if (client && ctx.config.rateLimitPerMinute > 0) await countAttempt(ctx.db, { scope: 'sign_in_client', key: client, now });
    const left = SIGN_IN_ATTEMPTS - attempts;
    if (left === 0) ctx.log.warn({ account: email, until: windowEnds.toISOString() }, 'sign-in paused after repeated failures');
    const hint = left === 0 ? `。尝试次数已达上限，该账号暂停登录至 ${shanghaiTime(windowEnds)}（北京时间）` : left <= 2 ? `，还可尝试 ${left} 次` : '';
    // For the security audit (GB/T 22239-2019 8.1.4.3): which address, masked by the logger.
    ctx.log.info({ account: email, attempts }, 'sign-in failed');
    throw new AppError(401, 'auth.invalid_credentials', `邮箱或密码不正确${hint}`);
  }
  await clearAttempts(ctx.db, { scope: 'sign_in_address', key: email });
  ctx.log.info({ account: account.id, kind }, 'staff signed in');
  const token = randomBytes(32).toString('base64url');
  await insertSession(ctx.db, {
    tokenHash: hashToken(token),
    staffId: account.id,
    kind,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000),
    lastSeenAt: now,
  });
  return { token, principal: await toPrincipal(ctx, account) };
}

/** Housekeeping, with the timers: sessions that have ended and sign-in windows that are over. */
export async function expireSignIns(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  await deleteEndedSessions(ctx.db, now, idleFrom(now));
  await deleteEndedWindows(ctx.db, now);
}

export async function authenticate(ctx: AppContext, token: string): Promise<{ principal: Principal; kind: 'api' | 'web' } | null> {
  const now = ctx.clock.now();
  const tokenHash = hashToken(token);
  const found = await findLiveSession(ctx.db, tokenHash, now, idleFrom(now));
  if (!found) return null;
  if (found.session.kind === 'web' && now.getTime() - found.session.lastSeenAt.getTime() >= TOUCH_AFTER_MS) await touchSession(ctx.db, tokenHash, now);
  return { principal: await toPrincipal(ctx, found.staff), kind: found.session.kind };
}

export async function logout(ctx: AppContext, principal: Principal, token: string): Promise<void> {
  await deleteSession(ctx.db, hashToken(token));
  ctx.log.info({ account: principal.id }, 'staff signed out');
}

export const passwordChangeInput = z
  .object({ currentPassword: z.string().min(1), newPassword: z.string().max(200) }) // its rules: weakPasswordReason
  .refine((p) => p.newPassword !== p.currentPassword, { path: ['newPassword'], message: '新密码不能与当前密码相同' });

export async function changePassword(ctx: AppContext, principal: Principal, token: string, input: unknown): Promise<void> {
  const { currentPassword, newPassword } = parseInput(passwordChangeInput, input);
  const weak = weakPasswordReason(newPassword, principal.email);
  if (weak) throw validationFailed({ newPassword: weak });
  const account = await findStaffById(ctx.db, principal.id);
  if (!account || !(await verifyPassword(currentPassword, account.passwordHash))) {
    throw validationFailed({ currentPassword: '当前密码不正确' });
  }
  const passwordHash = await hashPassword(newPassword, ctx.config.passwordHashCost);
  // Other sessions of this account end with it: a changed password locks out whoever else had it.
  await ctx.db.transaction(async (tx) => {
    await setPasswordHash(tx, account.id, passwordHash, false);
    await deleteSessionsOf(tx, account.id, hashToken(token));
  });
  ctx.log.info({ account: account.id }, 'staff password changed');
}

export const newStaffInput = z.object({
  email: z.string().trim().toLowerCase().max(254).refine(isEmailAddress, EMAIL_MESSAGE),
  password: z.string().min(MIN_PASSWORD, `密码至少 ${MIN_PASSWORD} 个字符`).max(200),
  name: z.string().trim().min(1).max(50),
  role: z.enum(['admin', 'supervisor', 'clerk', 'overseer']),
  agency: z.string().trim().optional().nullable(),
  /** An overseer's (政务公开办) jurisdiction code. */
  jurisdiction: z.string().trim().optional().nullable(),
  /** The person changes the password at the first sign-in (always for accounts made on the administration page). */
  passwordChangeRequired: z.boolean().optional().default(false),
});

export async function createStaff(ctx: AppContext, input: unknown) {
  const data = parseInput(newStaffInput, input);
  const { agencyId, jurisdictionId } = await placeOf(ctx, data);
  try {
    const row = await insertStaff(ctx.db, {
      email: data.email,
      name: data.name,
      role: data.role,
      agencyId,
      jurisdictionId,
      passwordHash: await hashPassword(data.password, ctx.config.passwordHashCost),
      passwordChangeRequired: data.passwordChangeRequired,
    });
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      agency: agencyId === null ? null : data.agency,
      jurisdiction: jurisdictionId === null ? null : data.jurisdiction,
    };
  } catch (err) {
    if (uniqueViolation(err) !== null) throw validationFailed({ email: '该邮箱已有账号' });
    throw err;
  }
}

/**
 * Start-up: ADMIN_EMAIL/ADMIN_PASSWORD make sure that administrator exists (the password is set only
 * when it is created). Without them, the first start with no administrator creates one and returns
 * its generated password, to be printed once.
 */
export async function ensureAdministrator(ctx: AppContext): Promise<{ email: string; password: string } | null> {
  const { adminEmail, adminPassword } = ctx.config;
  if (adminEmail) {
    if (await findStaffByEmail(ctx.db, adminEmail)) return null;
    const password = adminPassword ?? generatePassword();
    await insertStaff(ctx.db, {
      email: adminEmail,
      name: '系统管理员',
      role: 'admin',
      agencyId: null,
      passwordHash: await hashPassword(password, ctx.config.passwordHashCost),
      passwordChangeRequired: !adminPassword,
    });
    return adminPassword ? null : { email: adminEmail, password };
  }
  if ((await countActiveAdmins(ctx.db)) > 0) return null;
  const email = 'admin@ogi.localhost';
  const password = generatePassword();
  try {
    // Printed where whoever reads the output sees it: changed at the first sign-in.
    await insertStaff(ctx.db, {
      email,
      name: '系统管理员',
      role: 'admin',
      agencyId: null,
      passwordHash: await hashPassword(password, ctx.config.passwordHashCost),
      passwordChangeRequired: true,
    });
  } catch (err) {
    // Another instance starting at the same moment created it.
    if (uniqueViolation(err) !== null) return null;
    throw err;
  }
  return { email, password };
}

async function toPrincipal(
  ctx: AppContext,
  row: { id: number; email: string; name: string; role: Principal['role']; agencyId: number | null; jurisdictionId: number | null; passwordChangeRequired: boolean },
): Promise<Principal> {
  let oversees: number[] | 'all' | null = null;
  // Its jurisdiction's agencies and those below it, as the instance knows them (an agency added on
  // another instance within 10 s); all of them at the top of the installation.
  if (row.role === 'overseer' && row.jurisdictionId !== null) oversees = (await ctx.jurisdictions.current()).agenciesWithin(row.jurisdictionId) ?? 'all';
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    agencyId: row.agencyId,
    jurisdictionId: row.jurisdictionId,
    oversees,
    passwordChangeRequired: row.passwordChangeRequired,
  };
}

/** The account an administrator acts on, by the id in the path; 404 for none (or an id no account can have). */
async function accountToManage(ctx: AppContext, id: number) {
  const account = Number.isInteger(id) && id > 0 && id <= MAX_INTEGER ? await findStaffById(ctx.db, id) : null;
  if (!account) throw new AppError(404, 'staff.not_found', '没有找到该账号');
  return account;
}

/** Disabling an account ends its sessions at once; it can be enabled again. */
export async function setStaffDisabled(ctx: AppContext, principal: Principal, id: number, disabled: boolean): Promise<void> {
  if (id === principal.id && disabled) throw validationFailed({ _: '不能停用自己的账号' });
  await accountToManage(ctx, id);
  await ctx.db.transaction(async (tx) => {
    await setDisabled(tx, id, disabled ? ctx.clock.now() : null);
    if (disabled) await deleteSessionsOf(tx, id);
  });
  ctx.log.info({ by: principal.id, account: id }, disabled ? 'staff account disabled' : 'staff account enabled');
}

/**
 * A new password for someone who forgot theirs: generated, never chosen by the administrator, given
 * back once to be passed on, and every session of the account ends (whoever had the old one is out).
 * Administrators change their own password as everyone does, knowing the current one.
 */
export async function resetStaffPassword(ctx: AppContext, principal: Principal, id: number): Promise<{ id: number; email: string; name: string; password: string }> {
  if (id === principal.id) throw validationFailed({ _: '自己的密码请在“修改密码”中修改' });
  const account = await accountToManage(ctx, id);
  const password = generatePassword();
  const passwordHash = await hashPassword(password, ctx.config.passwordHashCost);
  await ctx.db.transaction(async (tx) => {
    // Known to the administrator who passed it on: the person sets their own before anything else.
    await setPasswordHash(tx, account.id, passwordHash, true);
    await deleteSessionsOf(tx, account.id);
    // The person can sign in at once with the new password, whatever was tried meanwhile.
    await clearAttempts(tx, { scope: 'sign_in_address', key: account.email });
  });
  // Who reset whose password, for the record; never the password.
  ctx.log.info({ by: principal.id, account: account.id }, 'staff password reset');
  return { id: account.id, email: account.email, name: account.name, password };
}
