// Rows in and out without drizzle's query builder, for the statements every submission runs. Drizzle's
// insert builder spends about 15 µs per bound value (a case row alone has 24), and its text changes
// with the number of rows. Here the rows travel as one jsonb value that PostgreSQL spreads over the
// table's columns (jsonb_populate_recordset), so the statement costs the same to build for one row or
// fifty and is prepared once per connection.
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type Executor } from './client.js';

type Options = {
  /** Rows that would violate this unique column are left out (ON CONFLICT DO NOTHING). */
  skipConflictsOn?: PgColumn;
};

/** Statement texts by table, columns and options: a handful, built once. */
const texts = new Map<string, { head: string; tail: string }>();

function statement<T extends PgTable>(table: T, rows: T['$inferInsert'][], options: Options & { returning: boolean }): SQL {
  const columns = Object.entries(getTableColumns(table)) as [string, PgColumn][];
  // Columns no row gives a value get their defaults (ids, creation times); a column only some rows
  // give is null in the others, so callers pass rows of one shape.
  const given = columns.filter(([key]) => rows.some((r) => (r as Record<string, unknown>)[key] !== undefined));
  const json = rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const [key, column] of given) {
      const value = (r as Record<string, unknown>)[key];
      if (value instanceof Uint8Array) throw new Error(`insertRows: ${getTableName(table)}.${column.name} is binary; use drizzle's insert`);
      out[column.name] = value ?? null; // Dates become ISO instants through JSON.stringify
    }
    return out;
  });
  const target = getTableName(table);
  const conflict = options.skipConflictsOn?.name ?? '';
  const key = `${target}|${given.map(([k]) => k).join(',')}|${conflict}|${options.returning}`;
  let text = texts.get(key);
  if (!text) {
    // Names from the schema, never from input.
    const names = given.map(([, c]) => `"${c.name}"`).join(', ');
    text = {
      head: `insert into "${target}" (${names}) select ${names} from jsonb_populate_recordset(null::"${target}", `,
      tail: `::jsonb)${conflict ? ` on conflict ("${conflict}") do nothing` : ''}${options.returning ? ' returning *' : ''}`,
    };
    texts.set(key, text);
  }
  return sql`${sql.raw(text.head)}${JSON.stringify(json)}${sql.raw(text.tail)}`;
}

/** Inserts rows in one statement. */
export async function insertRows<T extends PgTable>(db: Executor, table: T, rows: T['$inferInsert'][], options: Options = {}): Promise<void> {
  if (rows.length) await db.execute(statement(table, rows, { ...options, returning: false }));
}

/** Inserts rows in one statement and returns them as drizzle would (property names, Dates), in no particular order. */
export async function insertRowsReturning<T extends PgTable>(db: Executor, table: T, rows: T['$inferInsert'][], options: Options = {}): Promise<T['$inferSelect'][]> {
  if (!rows.length) return [];
  return rowsOf<Record<string, unknown>>(await db.execute(statement(table, rows, { ...options, returning: true }))).map((raw) => rowOf(table, raw));
}

/** A row read with `select *` as drizzle's own select would give it: property names, Dates, numbers. */
export function rowOf<T extends PgTable>(table: T, raw: Record<string, unknown>): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table)) as [string, PgColumn][]) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T['$inferSelect'];
}
