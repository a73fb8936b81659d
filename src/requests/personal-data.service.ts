// At start, under the start-up lock: the key this instance has must be the one the database's identity
// numbers are sealed with; on the first start with a key, the numbers stored until then are sealed.
// Afterwards, with the timers: numbers an instance without the key wrote (one still running the old
// configuration while the others start with the key) are sealed within a sweep interval.
import { ConfigError } from '../config/config.js';
import type { KeySource } from '../config/personal-data-key.js';
import type { AppContext } from '../context.js';
import { getSetting, putSetting } from '../db/settings.repository.js';
import type { Executor } from '../db/client.js';
import { sealApplicants, unsealedApplicants } from './cases.repository.js';
import { applicantKeyOf, keyCheckOf, sealIdNumber } from './personal-data.js';

const KEY_CHECK = 'personal_data_key_check';
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
  if (stored === check) return;
  if (stored) {
    const where = source.from === 'file' ? `${source.file}: not the key` : 'PERSONAL_DATA_KEY: not the key';
    throw new ConfigError([`${where} the identity numbers in this database are sealed with (restore the key it had; without it they cannot be read)`]);
  }
  // The first start with a key: seal the numbers stored so far and derive their applicant keys anew,
  // all in one transaction with the check, so that a failure leaves the database as it was.
  await ctx.db.transaction(async (tx) => {
    while (await sealBatch(tx, key)) {}
    await putSetting(tx, KEY_CHECK, check);
  });
}

/** Seals the identity numbers stored unsealed since; a background job. Returns how many. */
export async function sealUnsealedNumbers(ctx: AppContext): Promise<number> {
  const key = ctx.personalDataKey;
  if (!key) return 0;
  let sealed = 0;
  for (let n; (n = await sealBatch(ctx.db, key)); ) sealed += n;
  if (sealed) ctx.log.warn({ sealed }, 'identity numbers stored unsealed (by an instance without PERSONAL_DATA_KEY?) are sealed now');
  return sealed;
}

/** One batch; 0 when none is left (or none of those read could be written, to be tried next time). */
async function sealBatch(db: Executor, key: Buffer): Promise<number> {
  const rows = await unsealedApplicants(db, BATCH);
  return sealApplicants(
    db,
    rows.map(({ id, applicant }) => {
      const plain = String(applicant.idNumber);
      return { id, idType: applicant.idType, plain, sealed: sealIdNumber(key, plain), applicantKey: applicantKeyOf(key, { ...applicant, idNumber: plain }) };
    }),
  );
}
