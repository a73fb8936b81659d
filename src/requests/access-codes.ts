// The applicant's access code: with the tracking number it opens the request's progress (/track).
// Cases keep only an HMAC-SHA-256 of it under the installation's access-code key
// (access-code-key.service.ts): a leaked table gives nothing back, where a bare hash of an 8-character
// code is reversed by trying them all. A clerk can issue a new one to an applicant who lost theirs.
import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../common/errors.js';
import { mailApplicant } from '../notifications/notifications.service.js';
import { canSeeAgency, staffActor, type Principal } from '../staff/principal.js';
import { parseSnapshot } from '../workflow/workflow.js';
import type { Tx } from '../db/client.js';
import type { EventActor } from '../workflow/types.js';
import { appendTimeline, bareAccessCodes, findCaseById, lockCase, replaceAccessCodeDigests, setAccessCodeHash, type CaseRow } from './cases.repository.js';

// No 0/O, 1/I/L: the code is read aloud and typed from paper.
const ACCESS_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const ACCESS_LENGTH = 8;

export function generateAccessCode(): string {
  let code = '';
  for (let i = 0; i < ACCESS_LENGTH; i += 1) code += ACCESS_ALPHABET[randomInt(ACCESS_ALPHABET.length)];
  return code;
}

/** What codes were stored as until 2026-12-07: a bare SHA-256 of the code; the HMAC is taken over it. */
const sha256 = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

/**
 * The stored form: `h1:` and the HMAC (key version 1, the installation's key) of the code's SHA-256,
 * so that a code stored bare can be brought under the key without knowing it (wrapLegacyDigest).
 */
export const DIGEST_PREFIX = 'h1:';
export const wrapLegacyDigest = (key: Buffer, legacy: string) => DIGEST_PREFIX + createHmac('sha256', key).update(legacy).digest('hex');
export const accessCodeDigest = (key: Buffer, code: string) => wrapLegacyDigest(key, sha256(code));

/**
 * Whether the code is the one stored, under the key or (stored before it was kept so) bare. Without
 * a stored digest (unknown number) the code is digested all the same, so both failures take the same time.
 */
export function accessCodeMatches(key: Buffer, code: unknown, stored: string | undefined): boolean {
  const legacy = sha256(String(code ?? ''));
  const mine = stored?.startsWith(DIGEST_PREFIX) ? wrapLegacyDigest(key, legacy) : legacy;
  const expected = stored ?? mine.replace(/./g, '0');
  return stored !== undefined && mine.length === expected.length && timingSafeEqual(Buffer.from(mine), Buffer.from(expected));
}

/**
 * A new access code for an applicant who lost theirs: the old one stops working, on this case and on
 * those it was transferred from (one code follows the request from agency to agency). The timeline
 * records who issued it; an applicant with an e-mail address on file is sent it there.
 */
export async function reissueAccessCode(
  ctx: AppContext,
  principal: Principal,
  trackingNumber: string,
): Promise<{ trackingNumber: string; accessCode: string; mailedTo: string | null }> {
  return ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, { trackingNumber: trackingNumber.trim().toUpperCase() });
    if (!row || !canSeeAgency(principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
    return replaceAccessCode(tx, ctx, row, staffActor(principal, row));
  });
}

/**
 * A new code for a locked case, staff's or the applicant's own doing (access-code-recovery.service.ts):
 * the old one stops working on the case and those it was transferred from, the timeline records who,
 * and an applicant with an e-mail address on file is sent the new one.
 */
export async function replaceAccessCode(tx: Tx, ctx: AppContext, row: CaseRow, actor: EventActor) {
  // The request lives on at the agency it went to, whose case carries the same code.
  if (parseSnapshot(row.snapshot).context.outcome?.reason === 'transferred') {
    throw new AppError(409, 'access_code.transferred', '本申请已转送其他机关办理，请由接收机关重新生成查询码');
  }
  const accessCode = generateAccessCode();
  const ids = [row.id];
  for (let from = row.transferredFromId; from !== null;) {
    ids.push(from);
    from = (await findCaseById(tx, from))?.transferredFromId ?? null;
  }
  await setAccessCodeHash(tx, ids, accessCodeDigest(ctx.accessCodeKey, accessCode));
  const on = today(ctx.clock);
  const seq = await appendTimeline(tx, {
    caseId: row.id,
    type: 'ACCESS_CODE_REISSUED',
    on,
    at: ctx.clock.now(),
    actor,
    stateAfter: row.state,
    dueOnAfter: row.dueOn,
    payload: { mailed: Boolean(row.applicant.email) },
  });
  const mails = await mailApplicant(tx, ctx, { row, seq, on, template: 'access_code', accessCode });
  return { trackingNumber: row.trackingNumber, accessCode, mailedTo: mails[0]?.recipient ?? null };
}

/**
 * With the timers: access codes stored as a bare hash (before 2026-12-07) are brought under the key,
 * a batch at a time, without knowing them (wrapLegacyDigest); the index that finds them holds only
 * those, so once none is left the job costs one empty read. Returns how many were brought.
 */
export async function wrapBareAccessCodes(ctx: AppContext): Promise<number> {
  let wrapped = 0;
  for (let rows; (rows = await bareAccessCodes(ctx.db, 1000)).length;) {
    const n = await replaceAccessCodeDigests(
      ctx.db,
      rows.map((r) => ({ id: r.id, was: r.accessCodeHash, digest: wrapLegacyDigest(ctx.accessCodeKey, r.accessCodeHash) })),
    );
    wrapped += n;
    if (n === 0) break;
  }
  if (wrapped) ctx.log.info({ wrapped }, 'access codes stored as a bare hash are now kept under the key');
  return wrapped;
}
