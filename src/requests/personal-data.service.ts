// At start, under the start-up lock: the key this instance has must be the one the database's identity
// numbers are sealed with; on the first start with a key, the numbers stored until then are sealed.
import { ConfigError } from '../config/config.js';
import type { KeySource } from '../config/personal-data-key.js';
import type { AppContext } from '../context.js';
import { getSetting, putSetting } from '../db/settings.repository.js';
import { applicantsAfter, updateApplicants } from './cases.repository.js';
import { applicantKeyOf, isSealed, keyCheckOf, sealIdNumber } from './personal-data.js';

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
    for (let after = 0; ; ) {
      const batch = await applicantsAfter(tx, after, BATCH);
      if (!batch.length) break;
      after = batch.at(-1)!.id;
      await updateApplicants(
        tx,
        batch
          .filter((r) => typeof r.applicant.idNumber === 'string' && !isSealed(r.applicant.idNumber))
          .map((r) => ({ id: r.id, applicant: { ...r.applicant, idNumber: sealIdNumber(key, r.applicant.idNumber) }, applicantKey: applicantKeyOf(key, r.applicant) })),
      );
    }
    await putSetting(tx, KEY_CHECK, check);
  });
}
