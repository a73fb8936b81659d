// An applicant who lost the access code gets a new one without calling the agency (issue 33 item 3):
// with the tracking number and the e-mail address given in the application, a one-time link is
// mailed there; opening it (and confirming) replaces the code and shows the new one. The old code
// keeps working until then, so that whoever asks in the applicant's name locks no one out. The answer
// does not say whether the address matched (no one learns whose request it is), at most three links
// a day go to one request, and each is on the case's timeline.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import { notFound } from '../common/errors.js';
import { isEmailAddress } from '../common/email.js';
import { parseInput } from '../common/validation.js';
import type { Executor } from '../db/client.js';
import { accessCodeRecoveries } from '../db/schema.js';
import { mailApplicant } from '../notifications/notifications.service.js';
import { replaceAccessCode } from './access-codes.js';
import { appendTimeline, findCase, lockCase } from './cases.repository.js';

const PER_DAY = 3;
const VALID_MS = 24 * 60 * 60 * 1000;
const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export const recoveryInput = z.object({
  trackingNumber: z.string({ error: '请填写申请编号' }).trim().min(1, '请填写申请编号').max(40, '申请编号有误'),
  email: z.string({ error: '请填写申请时留的电子邮箱' }).trim().toLowerCase().max(254).refine(isEmailAddress, '请填写有效的电子邮箱'),
});

/** What the applicant is told, whatever was found: the same words whether the address matched or not. */
export const RECOVERY_SENT = '如果申请编号和电子邮箱与申请时填写的一致，找回查询码的链接已发送至该邮箱，24小时内有效。原查询码在您确认之前仍然有效。';

export async function requestRecovery(ctx: AppContext, input: unknown, publicBase: (agencyId: number) => Promise<string>): Promise<void> {
  const data = parseInput(recoveryInput, input);
  const found = await findCase(ctx.db, data.trackingNumber.toUpperCase());
  if (!found || found.applicant.email?.toLowerCase() !== data.email) {
    ctx.log.info({ matched: false }, 'access code recovery asked');
    return;
  }
  // Read before the transaction: the embedded database serves one connection, held by the transaction.
  const base = await publicBase(found.agencyId);
  await ctx.db.transaction(async (tx) => {
    const row = (await lockCase(tx, { id: found.id }))!;
    const now = ctx.clock.now();
    const [recent] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(accessCodeRecoveries)
      .where(and(eq(accessCodeRecoveries.caseId, row.id), gt(accessCodeRecoveries.createdAt, new Date(now.getTime() - VALID_MS))));
    if ((recent?.n ?? 0) >= PER_DAY) {
      ctx.log.info({ case: row.id, matched: true, sent: false }, 'access code recovery asked too often');
      return;
    }
    const token = randomBytes(24).toString('base64url');
    await tx.insert(accessCodeRecoveries).values({ tokenHash: digest(token), caseId: row.id, expiresAt: new Date(now.getTime() + VALID_MS), createdAt: now });
    const on = today(ctx.clock);
    const seq = await appendTimeline(tx, {
      caseId: row.id,
      type: 'ACCESS_CODE_RECOVERY',
      on,
      at: now,
      actor: { kind: 'applicant' },
      stateAfter: row.state,
      dueOnAfter: row.dueOn,
      payload: {},
    });
    await mailApplicant(tx, ctx, { row, seq, on, template: 'access_code_recovery', recoveryUrl: `${base}/track/recover?token=${token}` });
    ctx.log.info({ case: row.id, matched: true, sent: true }, 'access code recovery link sent');
  });
}

/** Whether a link is still good (the page asks to confirm before anything changes: mail scanners open links). */
export async function recoveryValid(ctx: AppContext, token: string): Promise<boolean> {
  return (await openRecovery(ctx.db, ctx.clock.now(), token)) !== null;
}

async function openRecovery(db: Executor, now: Date, token: string) {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const [row] = await db
    .select()
    .from(accessCodeRecoveries)
    .where(and(eq(accessCodeRecoveries.tokenHash, digest(token)), isNull(accessCodeRecoveries.usedAt), gt(accessCodeRecoveries.expiresAt, now)));
  return row ?? null;
}

/** The applicant confirms: the code is replaced (the old one stops working) and the new one shown once. */
export async function useRecovery(ctx: AppContext, token: string): Promise<{ trackingNumber: string; accessCode: string }> {
  return ctx.db.transaction(async (tx) => {
    const recovery = await openRecovery(tx, ctx.clock.now(), token);
    if (!recovery) throw notFound('access_code.recovery_not_found', '该链接已失效（已使用或已超过24小时），请重新找回查询码');
    const row = (await lockCase(tx, { id: recovery.caseId }))!;
    // Used once: every link of the case ends with it.
    await tx
      .update(accessCodeRecoveries)
      .set({ usedAt: ctx.clock.now() })
      .where(and(eq(accessCodeRecoveries.caseId, row.id), isNull(accessCodeRecoveries.usedAt)));
    const { trackingNumber, accessCode } = await replaceAccessCode(tx, ctx, row, { kind: 'applicant' });
    ctx.log.info({ case: row.id }, 'access code replaced by the applicant');
    return { trackingNumber, accessCode };
  });
}
