// Installation-wide facts every instance must agree on, by name.
import { eq } from 'drizzle-orm';
import type { Executor } from './client.js';
import { settings } from './schema.js';

export async function getSetting(db: Executor, name: string): Promise<string | null> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.name, name));
  return row?.value ?? null;
}

export async function putSetting(db: Executor, name: string, value: string): Promise<void> {
  await db.insert(settings).values({ name, value }).onConflictDoUpdate({ target: settings.name, set: { value } });
}
