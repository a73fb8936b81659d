// The bare baselines the HTTP benchmarks compare against: Fastify with one INSERT, one one-row
// SELECT, and a constant string (the guide page's bytes, read once at start), on the same database
// as the real service. One more for the submission: the rows a submission writes (case, timeline
// entry, timer, receipt letter, mail) copied from an existing case in one statement, with no
// application work at all: the database's own ceiling for an intake on this machine.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
await sql`create table if not exists bench_baseline (id bigserial primary key, payload jsonb not null, created_at timestamptz not null default now())`;
const app = Fastify({ logger: false });
app.post('/insert', async (request, reply) => {
  const [row] = await sql`insert into bench_baseline (payload) values (${sql.json(request.body as never)}) returning id`;
  return reply.status(201).send({ id: row!.id });
});
app.get<{ Params: { tn: string } }>('/select/:tn', async (request) => {
  const [row] = await sql`select tracking_number, state, received_on, due_on from cases where tracking_number = ${request.params.tn}`;
  return row ?? {};
});
// The template case's rows are read once; each request writes them anew (as JSON parameters, which
// PostgreSQL turns into rows), so the copy follows the schema and reads nothing per request.
async function columns(table: string): Promise<string[]> {
  const rows = await sql<
    { name: string }[]
  >`select column_name as name from information_schema.columns where table_name = ${table} and column_name not in ('id', 'case_id') order by ordinal_position`;
  return rows.map((r) => `"${r.name}"`);
}
const CHILDREN = ['case_events', 'timers', 'letters', 'outbox'] as const;
let intake: { text: string; params: unknown[] } | null = null;
async function prepareIntake() {
  await sql`create sequence if not exists bench_intake_seq`;
  const [template] = await sql<{ id: string }[]>`select min(id) as id from cases`;
  const params: unknown[] = [(await sql`select row_to_json(t) as r from cases t where id = ${template!.id}`)[0]!.r];
  for (const table of CHILDREN) params.push((await sql.unsafe(`select coalesce(json_agg(t), '[]') as r from ${table} t where case_id = $1`, [template!.id]))[0]!.r);
  const caseCols = await columns('cases');
  const parts = [
    `c as (insert into cases (${caseCols.join(', ')}) select ${caseCols.map((k) => (k === '"tracking_number"' ? `'B-' || nextval('bench_intake_seq')` : `r.${k}`)).join(', ')} from jsonb_populate_record(null::cases, $1::jsonb) r returning id)`,
  ];
  for (const [i, table] of CHILDREN.entries()) {
    const cols = await columns(table);
    const values = cols.map((k) => (k === '"dedupe_key"' ? `r.dedupe_key || '-' || c.id` : `r.${k}`));
    parts.push(
      `t${i} as (insert into ${table} (case_id, ${cols.join(', ')}) select c.id, ${values.join(', ')} from c, jsonb_populate_recordset(null::${table}, $${i + 2}::jsonb) r)`,
    );
  }
  return { text: `with ${parts.join(', ')} select id from c`, params };
}
app.post('/intake', async (_request, reply) => {
  intake ??= await prepareIntake();
  const [row] = await sql.unsafe(intake.text, intake.params as never[], { prepare: true });
  return reply.status(201).send({ id: row!.id });
});
const page = readFileSync(process.env.BASELINE_PAGE!, 'utf8');
app.get('/text', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('baseline ready');
