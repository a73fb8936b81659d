// The applicant's access code: with the tracking number it opens the request's progress (/track).
// Cases keep only its hash; a clerk can issue a new one to an applicant who lost it.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../http/errors.js';
import { createDirectory } from '../notifications/directory.js';
import { notificationMails, queueMails } from '../notifications/notifications.service.js';
import { canSeeAgency, staffActor, type Principal } from '../staff/principal.js';
import { parseSnapshot } from '../workflow/workflow.js';
import { appendTimeline, findCaseById, lockCase, setAccessCodeHash } from './cases.repository.js';

// No 0/O, 1/I/L: the code is read aloud and typed from paper.
const ACCESS_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const ACCESS_LENGTH = 8;

export function generateAccessCode(): string {
  let code = '';
  for (let i = 0; i < ACCESS_LENGTH; i += 1) code += ACCESS_ALPHABET[randomInt(ACCESS_ALPHABET.length)];
  return code;
}

export const hashAccessCode = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

/** Without a stored hash (unknown number) the code is hashed all the same, so both failures take the same time. */
export function accessCodeMatches(code: unknown, storedHash: string | undefined): boolean {
  const hash = Buffer.from(hashAccessCode(String(code ?? '')), 'hex');
  return storedHash !== undefined && timingSafeEqual(hash, Buffer.from(storedHash, 'hex'));
}

/**
 * A new access code for an applicant who lost theirs: the old one stops working, on this case and on
 * those it was transferred from (one code follows the request from agency to agency). The timeline
 * records who issued it; an applicant with an e-mail address on file is sent it there.
 */
export async function reissueAccessCode(ctx: AppContext, principal: Principal, trackingNumber: string): Promise<{ trackingNumber: string; accessCode: string; mailedTo: string | null }> {
  return ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, { trackingNumber: trackingNumber.trim().toUpperCase() });
    if (!row || !canSeeAgency(principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
    // The request lives on at the agency it went to, whose case carries the same code.
    if (parseSnapshot(row.snapshot).context.outcome?.reason === 'transferred') {
      throw new AppError(409, 'access_code.transferred', '本申请已转送其他机关办理，请由接收机关重新生成查询码');
    }
    const accessCode = generateAccessCode();
    const ids = [row.id];
    for (let from = row.transferredFromId; from !== null; ) {
      ids.push(from);
      from = (await findCaseById(tx, from))?.transferredFromId ?? null;
    }
    await setAccessCodeHash(tx, ids, hashAccessCode(accessCode));
    const on = today(ctx.clock);
    const seq = await appendTimeline(tx, {
      caseId: row.id,
      type: 'ACCESS_CODE_REISSUED',
      on,
      at: ctx.clock.now(),
      actor: staffActor(principal, row),
      stateAfter: row.state,
      dueOnAfter: row.dueOn,
      payload: { mailed: Boolean(row.applicant.email) },
    });
    const directory = createDirectory(tx);
    const mails = await notificationMails(ctx, directory, {
      row,
      decision: { deadlines: { answerDueOn: row.dueOn, provisional: row.dueProvisional } },
      seq,
      on,
      template: 'access_code',
      to: 'applicant',
      agency: await directory.agency(row.agencyId),
      letters: [],
      accessCode,
    });
    await queueMails(tx, ctx, mails);
    return { trackingNumber: row.trackingNumber, accessCode, mailedTo: mails[0]?.recipient ?? null };
  });
}
