// The stored applicant view (docs/architecture.md, "The stored applicant view") is served while the
// case and agency rows keep the versions it was built from. That holds only if (1) every other table
// the view reads rewrites the case row when it changes (migration 0009's triggers), and (2) every
// function and word list the view is made with is part of its format fingerprint. These tests fail
// when a change to the view's query or code forgets either.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { rowsOf } from '../src/db/client.js';
import { loadBundle } from '../src/requests/applicant-views.repository.js';
import { FINGERPRINTED_NAMES } from '../src/requests/applicant-view.js';
import { openTestDatabase } from './helpers/test-databases.js';

/** The tables the view's query reads, from its SQL text. */
function tablesRead(query: string): string[] {
  return [...new Set([...query.matchAll(/\b(?:from|join)\s+([a-z_]+)\s+[a-z]\b/g)].map((m) => m[1]!))].sort();
}

t.test('every table the applicant view reads, beside the case and agency rows it compares, rewrites the case row when it changes', async (t) => {
  const read = tablesRead(String(loadBundle));
  t.same(
    read,
    ['agencies', 'attachments', 'case_events', 'cases', 'letter_services', 'letters', 'timers'],
    'the tables the query reads (a new one must be added here and given a trigger)',
  );
  const database = await openTestDatabase(t);
  await database.migrate();
  const triggers = rowsOf<{ table: string; events: string }>(
    await database.db.execute(sql`
      select c.relname as "table", string_agg(distinct case when (t.tgtype & 4) <> 0 then 'insert' end, '') ||
        string_agg(distinct case when (t.tgtype & 8) <> 0 then 'delete' end, '') ||
        coalesce(string_agg(distinct case when (t.tgtype & 16) <> 0 then 'update' end, ''), '') as events
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_proc p on p.oid = t.tgfoid
      where p.proname = 'touch_case_of_row' and not t.tgisinternal
      group by c.relname`),
  );
  const byTable = new Map(triggers.map((r) => [r.table, r.events]));
  for (const table of read.filter((name) => name !== 'cases' && name !== 'agencies')) {
    const events = byTable.get(table) ?? '';
    t.ok(
      ['insert', 'update', 'delete'].every((e) => events.includes(e)),
      `${table}: a row inserted, changed or deleted rewrites its case row (has ${events || 'no trigger'})`,
    );
  }
});

t.test("every name the view's code imports or declares is part of its format fingerprint", async (t) => {
  const source = readFileSync(new URL('../src/requests/applicant-view.ts', import.meta.url), 'utf8');
  const imported = [...source.matchAll(/^import \{([^}]+)\} from '\.\.\/(?!db\/)[^']+';$/gm)]
    .flatMap((m) => m[1]!.split(','))
    .map((name) => name.trim())
    .filter((name) => name && !name.startsWith('type '));
  const declared = [...source.matchAll(/^(?:export )?(?:function|const) ([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]!);
  const notValues = new Set(['FINGERPRINTED', 'FINGERPRINTED_NAMES', 'VIEW_FORMAT']);
  for (const name of [...imported, ...declared].filter((n) => !notValues.has(n))) {
    t.ok(FINGERPRINTED_NAMES.includes(name), `${name} is fingerprinted: a change to it rebuilds every stored view`);
  }
});
