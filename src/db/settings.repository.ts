// Installation-wide facts every instance must agree on, by name.
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Executor, type Tx } from './client.js';
import { settings } from './schema.js';

export async function getSetting(db: Executor, name: string): Promise<string | null> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.name, name));
  return row?.value ?? null;
}

export async function putSetting(db: Executor, name: string, value: string): Promise<void> {
  await db.insert(settings).values({ name, value }).onConflictDoUpdate({ target: settings.name, set: { value } });
}

/**
 * Reads a setting while holding the advisory lock `lock` shared until the transaction ends: a
 * transaction that changes the setting under the same lock (lockForSettingChange) waits for this one,
 * and one that starts after it reads the new value. One statement.
 */
export async function readSettingHolding(tx: Tx, lock: number, name: string): Promise<string | null> {
  const [row] = rowsOf<{ value: string | null }>(await tx.execute(sql`select pg_advisory_xact_lock_shared(${lock}), (select value from settings where name = ${name}) as value`));
  return row?.value ?? null;
}

/** Call first in a transaction that changes what readSettingHolding guards: waits for its holders, holds off new ones. */
export async function lockForSettingChange(tx: Tx, lock: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${lock})`);
}
