// The key access codes are kept under (access-codes.ts): 32 random bytes made at an installation's
// first start and stored in `settings`, sealed with the personal-data key like an identity number
// (so that neither a leaked table nor a dump without that key gives it away), sealed anew when that
// key is set or changed (personal-data.service.ts). Every instance reads the same one at start.
// Without a personal-data key (PostgreSQL without PERSONAL_DATA_KEY) it is stored as it is, and the
// start's warning about identity numbers stored unsealed holds for it too.
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/client.js';
import { getSetting, putSetting } from '../db/settings.repository.js';
import { isSealed, openIdNumber, sealIdNumber } from './personal-data.js';

const SETTING = 'access_code_key';

/** At start, under the start-up lock, after the personal-data key is settled: the key, made if there is none yet. */
export async function ensureAccessCodeKey(ctx: AppContext): Promise<Buffer> {
  const stored = await getSetting(ctx.db, SETTING);
  if (stored) return Buffer.from(openIdNumber(ctx.personalDataKey, stored), 'hex');
  const key = randomBytes(32);
  await putSetting(ctx.db, SETTING, sealIdNumber(ctx.personalDataKey, key.toString('hex')));
  return key;
}

/** Seals the stored key under `to`, opening it with `to` (done already), `from` or as stored unsealed. */
export async function sealAccessCodeKey(db: Executor, keys: { from: Buffer | null; to: Buffer }): Promise<void> {
  const stored = await getSetting(db, SETTING);
  if (!stored) return;
  if (isSealed(stored)) {
    try {
      openIdNumber(keys.to, stored);
      return;
    } catch {
      // sealed with the previous key: opened below
    }
  }
  const plain = openIdNumber(isSealed(stored) ? keys.from : null, stored);
  await putSetting(db, SETTING, sealIdNumber(keys.to, plain));
}
