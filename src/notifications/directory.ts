// Who to write to, looked up once per transaction however many cases it touches.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { agencies, staff } from '../db/schema.js';
import type { AgencyRow } from '../agencies/agencies.repository.js';

export function createDirectory(db: Executor, known: { agencies?: AgencyRow[] } = {}) {
  const agencyCache = new Map<number, Promise<AgencyRow | undefined>>((known.agencies ?? []).map((a) => [a.id, Promise.resolve(a)]));
  const supervisorCache = new Map<number, Promise<string[]>>();
  const staffCache = new Map<number, Promise<string[]>>();
  let adminCache: Promise<string[]> | null = null;
  const emails = async (where: ReturnType<typeof and>) => (await db.select({ email: staff.email }).from(staff).where(where)).map((r) => r.email);
  const memo = <K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>) => {
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = load()));
    return hit;
  };
  return {
    async agency(id: number): Promise<AgencyRow> {
      const row = await memo(agencyCache, id, async () => (await db.select().from(agencies).where(eq(agencies.id, id)))[0]);
      if (!row) throw new Error(`agency ${id} not found`);
      return row;
    },
    supervisors: (agencyId: number) =>
      memo(supervisorCache, agencyId, () => emails(and(eq(staff.agencyId, agencyId), inArray(staff.role, ['supervisor']), isNull(staff.disabledAt)))),
    staffEmail: (id: number) => memo(staffCache, id, () => emails(and(eq(staff.id, id), isNull(staff.disabledAt)))),
    admins: () => (adminCache ??= emails(and(eq(staff.role, 'admin'), isNull(staff.disabledAt)))),
  };
}
export type Directory = ReturnType<typeof createDirectory>;
