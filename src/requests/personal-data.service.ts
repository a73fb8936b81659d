// At start, under the start-up lock: the key this instance has must be the one the database's identity
// numbers are sealed with; on the first start with a key, the numbers stored until then are sealed;
// on a start given PERSONAL_DATA_PREVIOUS_KEY, the numbers sealed with it are sealed anew (rotation).
// Afterwards, with the timers: numbers an instance without the key wrote (one still running the old
// configuration while the others start with the key) are sealed within a sweep interval, and an
// instance whose key the database is no longer sealed with stops taking applications.
import { ConfigError } from '../config/config.js';
import type { KeySource } from '../config/personal-data-key.js';
import type { AppContext } from '../context.js';
import { getSetting, lockForSettingChange, putSetting, readSettingHolding } from '../db/settings.repository.js';
import type { Executor, Tx } from '../db/client.js';
import type { ApplicantRecord } from '../db/schema.js';
import { AppError } from '../common/errors.js';
import { sealAccessCodeKey } from './access-code-key.service.js';
import { sealApplicants, sealedApplicants, unsealedApplicants } from './cases.repository.js';
import { applicantKeyOf, keyCheckOf, openIdNumber, PersonalDataKeyError, sealIdNumber } from './personal-data.js';

const KEY_CHECK = 'personal_data_key_check';
// Held shared by every transaction that seals a number, exclusively by one that changes the key.
const KEY_LOCK = 4_242_051;
const BATCH = 1000;

export async function ensurePersonalDataKey(ctx: AppContext, source: KeySource): Promise<void> {
  const stored = await getSetting(ctx.db, KEY_CHECK);
  const key = source.key;
  if (!key) {
    if (stored) throw new ConfigError(['PERSONAL_DATA_KEY: not set, but the identity numbers in this database are sealed with a key; set it to that key']);
    ctx.log.warn('PERSONAL_DATA_KEY is not set: identity numbers are stored in PostgreSQL unencrypted');
    return;
  }
  const check = keyCheckOf(key);
  const previous = source.previous;
  // Checked against PERSONAL_DATA_KEY with the configuration already; against the key file only here.
  if (previous?.equals(key)) {
    const fix = source.file ? `${source.file}; to change keys, move that file away first, so that a new one is made` : 'PERSONAL_DATA_KEY; set that to a new key';
    throw new ConfigError([`PERSONAL_DATA_PREVIOUS_KEY: the same key as ${fix}`]);
  }
  // The database is sealed with the previous key (a rotation), or with this one already but an
  // instance kept running with the previous key meanwhile: what it sealed is sealed anew.
  if (previous && (stored === check || stored === keyCheckOf(previous))) return reseal(ctx, previous, key, check);
  if (stored === check) return;
  if (stored) {
    const where = source.from === 'file' ? `${source.file}: not the key` : 'PERSONAL_DATA_KEY: not the key';
    const nor = previous ? ', nor is PERSONAL_DATA_PREVIOUS_KEY' : '';
    throw new ConfigError([`${where} the identity numbers in this database are sealed with${nor} (restore the key it had; without it they cannot be read)`]);
  }
  // The first start with a key: seal the numbers stored so far and derive their applicant keys anew,
  // all in one transaction with the check, so that a failure leaves the database as it was.
  await ctx.db.transaction(async (tx) => {
    await lockForSettingChange(tx, KEY_LOCK);
    while (await sealBatch(tx, key)) {
      // one batch at a time until none is left
    }
    await sealAccessCodeKey(tx, { from: null, to: key });
    await putSetting(tx, KEY_CHECK, check);
  });
}

/**
 * Key rotation: every number the new key does not open is opened with the previous one and sealed
 * with the new, its applicant key derived anew (the same applicant must still be recognised); the
 * unsealed ones are sealed, and the new key's check stored. One transaction: a number neither key
 * opens, or any failure, leaves everything as it was, and the next start tries again.
 */
async function reseal(ctx: AppContext, previous: Buffer, key: Buffer, check: string): Promise<void> {
  let count = 0;
  await ctx.db.transaction(async (tx) => {
    // Instances still running with the previous key (README: stop them all first) finish what they
    // are sealing before this reads on, and seal nothing more once it has committed (holdPersonalDataKey).
    await lockForSettingChange(tx, KEY_LOCK);
    for (let after = 0, rows; (rows = await sealedApplicants(tx, after, BATCH)).length; after = rows.at(-1)!.id) {
      const resealed = rows.flatMap(({ id, trackingNumber, applicant }) => {
        if (openedWith(key, applicant.idNumber) !== null) return [];
        const plain = openedWith(previous, applicant.idNumber);
        if (plain === null) {
          throw new ConfigError([`PERSONAL_DATA_PREVIOUS_KEY: the identity number of ${trackingNumber} opens neither with it nor with the current key; nothing was changed`]);
        }
        return [sealedUnder(key, { id, applicant }, plain)];
      });
      // Nothing else writes while instances start (README: stop them all first); if something did, a
      // number left under the previous key could no longer be read: start again.
      if ((await sealApplicants(tx, resealed)) !== resealed.length) throw new Error('a case changed while the identity numbers were sealed anew; nothing was changed, start again');
      count += resealed.length;
    }
    while (await sealBatch(tx, key)) {
      // one batch at a time until none is left
    }
    await sealAccessCodeKey(tx, { from: previous, to: key });
    await putSetting(tx, KEY_CHECK, check);
  });
  ctx.log.warn(
    { resealed: count },
    count
      ? 'identity numbers sealed anew with PERSONAL_DATA_KEY; remove PERSONAL_DATA_PREVIOUS_KEY (keep the old key only with the backups made before)'
      : 'PERSONAL_DATA_PREVIOUS_KEY is set, but every identity number is sealed with PERSONAL_DATA_KEY already: remove it',
  );
}

/** The number, or null when `key` does not open it. */
function openedWith(key: Buffer | null, stored: string): string | null {
  try {
    return openIdNumber(key, stored);
  } catch (err) {
    if (err instanceof PersonalDataKeyError) return null;
    throw err;
  }
}

/**
 * The background job: while the database is sealed with this instance's key, seals the identity
 * numbers stored unsealed since (returns how many); once it is sealed with another, nothing.
 */
export async function personalDataJob(ctx: AppContext): Promise<number> {
  const key = ctx.personalDataKey;
  if (!key) return 0;
  const known = ctx.personalDataKeyRetired;
  let sealed = 0;
  for (let n; (n = await ctx.db.transaction(async (tx) => ((await holdPersonalDataKey(tx, ctx)) ? sealBatch(tx, key) : 0)));) sealed += n;
  if (known && ctx.personalDataKeyRetired) ctx.log.error(RETIRED_LOG); // a reminder every interval
  if (sealed) ctx.log.warn({ sealed }, 'identity numbers stored unsealed (by an instance without PERSONAL_DATA_KEY?) are sealed now');
  return sealed;
}

const RETIRED_LOG = 'the identity numbers are now sealed with another PERSONAL_DATA_KEY: this instance takes no applications until it is restarted with that key';

/**
 * First in a transaction that seals numbers: holds off a change of key until the transaction ends,
 * and tells whether the database is still sealed with this instance's key (always true without
 * one). Once it is not (the key was changed while this instance ran), the instance takes no more
 * applications, which it would seal with a key no other instance has, and /ready answers 503 until
 * it is restarted with the new key.
 */
export async function holdPersonalDataKey(tx: Tx, ctx: AppContext): Promise<boolean> {
  const key = ctx.personalDataKey;
  if (!key) return true;
  const current = (await readSettingHolding(tx, KEY_LOCK, KEY_CHECK)) === keyCheckOf(key);
  if (!current && !ctx.personalDataKeyRetired) ctx.log.error(RETIRED_LOG);
  ctx.personalDataKeyRetired = !current;
  return current;
}

export const UNREADABLE = 'personal_data.unreadable';

/** A case's identity number, for staff (revealed, masked, kept out of a publication). */
export function openCaseIdNumber(ctx: AppContext, row: { trackingNumber: string; applicant: { idNumber: string } }): string {
  const plain = openedWith(ctx.personalDataKey, row.applicant.idNumber);
  if (plain !== null) return plain;
  ctx.log.error({ trackingNumber: row.trackingNumber }, "an identity number does not open with this instance's PERSONAL_DATA_KEY");
  throw new AppError(500, UNREADABLE, '证件号码无法解密：本服务实例的证件号码密钥（PERSONAL_DATA_KEY）与数据库不符，请联系管理员');
}

export const keyRetired = () => new AppError(503, 'service.key_retired', '本服务实例暂时不能受理申请，请稍后重试');

/** Applications are refused at once by an instance known to hold a key no longer in use. */
export function assertKeyCurrent(ctx: AppContext): void {
  if (ctx.personalDataKeyRetired) throw keyRetired();
}

/** One batch; 0 when none is left (or none of those read could be written, to be tried next time). */
async function sealBatch(db: Executor, key: Buffer): Promise<number> {
  const rows = await unsealedApplicants(db, BATCH);
  return sealApplicants(
    db,
    rows.map((row) => sealedUnder(key, row, String(row.applicant.idNumber))),
  );
}

/** What sealApplicants writes for a case whose number is `plain`: the number sealed, the applicant key derived, under `key`. */
function sealedUnder(key: Buffer, { id, applicant }: { id: number; applicant: ApplicantRecord }, plain: string) {
  return { id, idType: applicant.idType, was: applicant.idNumber, sealed: sealIdNumber(key, plain), applicantKey: applicantKeyOf(key, { ...applicant, idNumber: plain }) };
}
