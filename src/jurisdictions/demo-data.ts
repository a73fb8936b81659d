// The demo data set (demo/*.json, outside src/: no place is named in the code): jurisdictions with
// their agencies, loaded into an empty database at first start unless DEMO_DATA=0.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Executor } from '../db/client.js';
import type { agencies } from '../db/schema.js';
import { DEMO_DIR } from '../config/paths.js';
import { insertAgencies } from '../agencies/agencies.repository.js';
import { insertJurisdiction } from './jurisdictions.repository.js';
import type { JurisdictionRow } from './jurisdictions.js';

type DemoAgency = Omit<typeof agencies.$inferInsert, 'jurisdictionId'> & { formerName?: string; note?: string };
type DemoJurisdiction = Pick<JurisdictionRow, 'code' | 'name' | 'shortName' | 'level' | 'portalTitle' | 'mailFooter'> & { parent: string | null; agencies: DemoAgency[] };

export function demoJurisdictions(dir = DEMO_DIR): DemoJurisdiction[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { jurisdictions: DemoJurisdiction[] }).jurisdictions);
}

/** Loads the data set; a jurisdiction's parent comes before it in the files. */
export async function loadDemoData(db: Executor, at: Date): Promise<void> {
  const ids = new Map<string, number>();
  for (const { agencies: list, parent, ...j } of demoJurisdictions()) {
    const row = await insertJurisdiction(db, { ...j, parentId: parent ? (ids.get(parent) ?? null) : null, updatedAt: at });
    ids.set(row.code, row.id);
    // The former name and the note are history for the reader of the file, not columns.
    await insertAgencies(
      db,
      list.map(({ formerName: _formerName, note: _note, ...a }) => ({ ...a, jurisdictionId: row.id })),
    );
  }
}
