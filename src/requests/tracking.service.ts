// The applicant's view of a request: tracking number plus access code. An unknown number and a
// wrong code give the same answer, so neither can be probed. Wrong codes are counted per number,
// whatever the route or client (throttling/attempt-windows.ts): past ATTEMPT_LIMITS.access_code in
// the window, the number is paused for everyone until the window ends (at most 15 minutes), so that
// spreading guesses over clients, instances or routes gains nothing.
import { z } from 'zod';
import { today } from '../calendar/clock.js';
import type { IsoDate } from '../calendar/dates.js';
import { workingDayOnOrAfter, type Calendar } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { toShanghaiIso } from '../calendar/dates.js';
import { AppError, notFound, ruleViolation } from '../common/errors.js';
import { pausedUntil, secondsUntil, windowFrom, type AttemptWindow } from '../throttling/attempt-windows.js';
import { countAttempt, findAttemptWindow } from '../throttling/attempt-windows.repository.js';
import { parseInput } from '../common/validation.js';
import type { ClientEvent } from '../workflow/types.js';
import { accessCodeMatches } from './access-codes.js';
import { applicantView, VIEW_FORMAT, type ApplicantView } from './applicant-view.js';
import { findStoredView, loadBundle, storeView } from './applicant-views.repository.js';
import { checkUploads, type Upload } from './attachments.js';
import { reasonsText } from './event.schemas.js';
import { findCase, lockCase, type CaseRow } from './cases.repository.js';
import { insertAttachments } from './attachments.repository.js';
import { applyToLockedCase } from './workflow.service.js';

const NOT_FOUND_MESSAGE = '没有找到与该申请编号和查询码相符的申请，请核对后重试';

const normalized = (trackingNumber: string) =>
  String(trackingNumber ?? '')
    .trim()
    .toUpperCase();

/** Whether this installation counts wrong codes (RATE_LIMIT_PER_MINUTE=0 turns every budget off). */
const counting = (ctx: AppContext) => ctx.config.rateLimitPerMinute > 0;

/**
 * Checks a code against the number's stored digest. Paused numbers are refused before the code is
 * looked at (429, Retry-After); a wrong code, or a number no case has, is counted and answered with
 * the same 404. `window`: the number's failures if the caller read them already (the lookup reads
 * them with the case, in one statement); otherwise read here.
 */
async function opened<T>(
  ctx: AppContext,
  args: { trackingNumber: string; row: T | null | undefined; storedHash: string | undefined; accessCode: unknown; window?: AttemptWindow | null },
): Promise<T> {
  const now = ctx.clock.now();
  const key = normalized(args.trackingNumber);
  if (counting(ctx)) {
    const window = args.window !== undefined ? args.window : await findAttemptWindow(ctx.db, { scope: 'access_code', key, now });
    const until = pausedUntil('access_code', window, now);
    if (until) throw trackingPaused(until, now);
  }
  if (!accessCodeMatches(ctx.accessCodeKey, args.accessCode, args.storedHash) || !args.row) {
    if (counting(ctx)) await countAttempt(ctx.db, { scope: 'access_code', key, now });
    throw notFound('requests.not_found', NOT_FOUND_MESSAGE);
  }
  return args.row;
}

const trackingPaused = (until: Date, now: Date) =>
  new AppError(429, 'requests.tracking_paused', `该申请编号的查询码错误次数过多，暂停查询至 ${toShanghaiIso(until).slice(11, 16)}（北京时间），请届时再试`, {
    retryAfter: secondsUntil(until, now),
  });

export async function findTrackedCase(ctx: AppContext, trackingNumber: string, accessCode: string): Promise<CaseRow> {
  // A NUL (from a forged receipt cookie; requests are refused with one) is in no case's number and cannot be sent to the database.
  const row = trackingNumber.includes('\u0000') ? null : await findCase(ctx.db, normalized(trackingNumber));
  return opened(ctx, { trackingNumber, row, storedHash: row?.accessCodeHash, accessCode });
}

/**
 * The applicant's view as the JSON the API answers with (GET /api/requests/:tn): the same 404 for an
 * unknown number and a wrong code. It is the most frequent public request, and most lookups find the
 * case as it was at the last one: the view built then is stored (applicant_views) and sent as it is
 * while the case and its agency are unchanged, one row read. Otherwise it is built from the case's
 * tables and stored for the next lookup.
 */
export async function lookupRequestJson(ctx: AppContext, args: { trackingNumber: string; accessCode: string }): Promise<string> {
  const trackingNumber = normalized(args.trackingNumber);
  const stored = await findStoredView(ctx.db, trackingNumber, VIEW_FORMAT, windowFrom(ctx.clock.now()));
  const window = stored ? (stored.failures === null ? null : { attempts: Number(stored.failures), windowStartedAt: new Date(Number(stored.failures_since)) }) : undefined;
  const { body } = await opened(ctx, { trackingNumber, row: stored, storedHash: stored?.access_code_hash, accessCode: args.accessCode, window });
  if (body !== null) return body;
  const loaded = await loadBundle(ctx.db, trackingNumber);
  // Read anew: the code may have been reissued in between (no second count: the first check passed).
  if (!loaded || !accessCodeMatches(ctx.accessCodeKey, args.accessCode, loaded.access_code_hash)) throw notFound('requests.not_found', NOT_FOUND_MESSAGE);
  const bundle = loaded;
  const built = JSON.stringify(applicantView(bundle));
  try {
    await storeView(ctx.db, bundle, VIEW_FORMAT, built);
  } catch (err) {
    // The lookup is answered all the same; the next one builds the view again.
    ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'applicant view not stored');
  }
  return built;
}

/** The applicant's view as an object (the tracking page). */
export async function lookupRequest(ctx: AppContext, args: { trackingNumber: string; accessCode: string }): Promise<ApplicantView> {
  return JSON.parse(await lookupRequestJson(ctx, args)) as ApplicantView;
}

/**
 * One step the applicant takes on a request opened with its code: a workflow event by the applicant,
 * dated today, on the locked case; `alsoWrite` runs once the workflow has accepted it. A wrong code
 * gets the lookup's 404 and a refused step 409, and either leaves nothing written.
 */
async function applicantStep(
  ctx: AppContext,
  args: { trackingNumber: string; accessCode: string },
  step: (on: IsoDate, calendar: Calendar) => { event: ClientEvent; payload: Record<string, unknown> },
  alsoWrite?: (tx: Tx, row: CaseRow) => Promise<void>,
): Promise<void> {
  // Checked (and a wrong code counted) before the transaction, which would roll the count back.
  await findTrackedCase(ctx, args.trackingNumber, args.accessCode);
  await ctx.db.transaction(async (tx) => {
    const locked = await lockCase(tx, { trackingNumber: normalized(args.trackingNumber) });
    if (!locked || !accessCodeMatches(ctx.accessCodeKey, args.accessCode, locked.accessCodeHash)) throw notFound('requests.not_found', NOT_FOUND_MESSAGE);
    const row = locked;
    const on = today(ctx.clock);
    const { event, payload } = step(on, await ctx.calendar(tx));
    const result = await applyToLockedCase(tx, ctx, { row, event: { ...event, on, actor: { kind: 'applicant' } }, payload });
    if (!result.decision.ok) throw ruleViolation(result.decision.rule, result.decision.message);
    await alsoWrite?.(tx, row);
  });
}

export const withdrawalInput = z.object({ reason: z.string().trim().max(1000, '撤回理由不超过1000字').default('') });

/**
 * The applicant withdraws the request online: the case is closed and no longer processed (counted
 * under 其他 in the annual report). A concluded request cannot be withdrawn (409).
 */
export async function withdrawByApplicant(ctx: AppContext, args: { trackingNumber: string; accessCode: string; input: unknown }): Promise<void> {
  const { reason } = parseInput(withdrawalInput, args.input ?? {});
  await applicantStep(ctx, args, () => ({ event: { type: 'WITHDRAW', reason }, payload: { reason } }));
}

export const correctionInput = z.object({
  text: z.string({ error: '请填写补正内容' }).trim().min(1, '请填写补正内容').max(5000, '补正内容不超过5000字'),
});

/**
 * The applicant corrects the application online, as the 补正告知书 asked (art. 30): what was unclear,
 * in words, and any documents. The 20 working days run again from the day it is received. Outside
 * the correction period (409) nothing is kept, files included.
 */
export async function correctByApplicant(ctx: AppContext, args: { trackingNumber: string; accessCode: string; input: unknown; uploads: Upload[] }): Promise<void> {
  const { text } = parseInput(correctionInput, args.input ?? {});
  const files = await checkUploads(args.uploads);
  await applicantStep(
    ctx,
    args,
    (on, calendar) => {
      // Art. 31: sent online, received the day it arrives, or the next working day.
      const receivedOn = workingDayOnOrAfter({ date: on, calendar }).date;
      return { event: { type: 'CORRECTION_RECEIVED', receivedOn, text }, payload: { receivedOn, text, attachments: files.length } };
    },
    async (tx, row) => {
      if (files.length) await insertAttachments(tx, row.id, 'correction', files, ctx.clock.now());
    },
  );
}

export const reasonsInput = z.object({ text: reasonsText });

/**
 * The applicant explains the requests, as the 说明理由告知书 asked (art. 35), once. The answer period
 * runs on; the agency decides whether the reasons hold.
 */
export async function explainByApplicant(ctx: AppContext, args: { trackingNumber: string; accessCode: string; input: unknown }): Promise<void> {
  const { text } = parseInput(reasonsInput, args.input ?? {});
  await applicantStep(ctx, args, (on, calendar) => {
    // Art. 31: sent online, received the day it arrives, or the next working day.
    const receivedOn = workingDayOnOrAfter({ date: on, calendar }).date;
    return { event: { type: 'REASONS_GIVEN', receivedOn }, payload: { receivedOn, text } };
  });
}
