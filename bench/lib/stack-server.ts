// The service's own stack doing the bare baselines' work: the whole app as the service builds it
// (access log, security headers, hooks, body parsing, drizzle on the same client), with two routes
// added that run the baselines' one INSERT and one-row SELECT. What it reaches is the most any route
// of ours could reach on this machine, however little the route itself did. Run from source (tsx),
// beside the service run from its build: the same code.
import { sql } from 'drizzle-orm';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { rowsOf } from '../../src/db/client.js';

const app = await buildApp({ config: loadConfig() });
const { db } = app.ogi.ctx;
// bench_baseline is the bare INSERT's table, made by bench/lib/baseline-server.ts, which starts first.
app.post('/floor/insert', async (request, reply) => {
  const [row] = rowsOf<{ id: string }>(await db.execute(sql`insert into bench_baseline (payload) values (${JSON.stringify(request.body)}::jsonb) returning id`));
  return reply.status(201).send({ id: row!.id });
});
app.get<{ Params: { tn: string } }>('/floor/select/:tn', async (request) => {
  const [row] = rowsOf(await db.execute(sql`select tracking_number, state, received_on, due_on from cases where tracking_number = ${request.params.tn}`));
  return row ?? {};
});
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('stack floor ready');
