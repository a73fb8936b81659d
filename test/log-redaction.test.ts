// No personal data in logs, whatever fails (docs/security.md, D5): a statement the database refuses
// while it carries an applicant's data as parameters is logged without them — neither the ORM's
// "Failed query … params" text nor the driver's error details.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { api, logCapture, testApp } from './helpers/test-app.js';
import { openTestDatabase } from './helpers/test-databases.js';
import { application, VALID_RESIDENT_ID } from './helpers/factories.js';

t.test('a failed statement with personal data in its parameters leaves none of it in the log', async (t) => {
  const database = await openTestDatabase(t);
  const { lines, stream } = logCapture();
  const { app, db } = await testApp(t, { database, logStream: stream, config: { logLevel: 'info' } });
  // The database refuses every new case, as a full disk or a broken constraint would.
  await db.execute(sql`create function refuse_case() returns trigger language plpgsql as $$ begin raise exception 'cases are refused (test)'; end $$`);
  await db.execute(sql`create trigger refuse_case before insert on cases for each row execute function refuse_case()`);
  const applicant = { name: '欧阳娜娜', phone: '13912345678', email: 'ouyang.nana@example.com', address: '湖南省湘潭市雨湖区窑湾街道28号' };
  const res = await api(app).post('/api/requests', application({ applicant, description: '请公开欧阳娜娜所住小区的拆迁补偿方案' }));
  t.equal(res.statusCode, 500, 'the submission fails');
  t.same(res.json(), { error: 'internal', message: '服务器内部错误，请稍后再试' });
  const log = lines.join('\n');
  t.match(log, /request failed/, 'the failure is logged');
  t.match(log, /insert into \\?"?cases/i, 'with the statement that failed');
  t.match(log, /cases are refused \(test\)/, "and the database's reason");
  for (const [what, value] of [
    ['name', '欧阳娜娜'],
    ['phone', '13912345678'],
    ['e-mail', 'ouyang.nana@example.com'],
    ['address', '窑湾街道28号'],
    ['identity number', VALID_RESIDENT_ID],
    ['description', '拆迁补偿方案'],
  ]) {
    t.notOk(log.includes(value!), `no ${what} in the log`);
  }
  t.notMatch(log, /h1:[0-9a-f]{64}|[0-9a-f]{64}/, 'no digest or hash');
});
