// The bare baselines the HTTP benchmarks compare against: Fastify with one INSERT, one one-row
// SELECT, and a constant string (the guide page's bytes, read once at start), on the same database
// as the real service.
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
const page = readFileSync(process.env.BASELINE_PAGE!, 'utf8');
app.get('/text', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('baseline ready');
