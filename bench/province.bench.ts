// A province-sized installation on PostgreSQL (issue 32 item 6): 1 province, 14 cities, 120
// districts/counties with 40 agencies each (about 5,000 agencies) and 5,000,000 cases over five
// years, each with its timeline entry, the letter that concluded it, and a timer while open. Measures
// the jurisdiction office's queue page, table 三 for an agency, a district and the province (and
// checks each against a plain recount), and the portal home and a guide page under 50 connections.
// The database is dropped afterwards. Run: DATABASE_URL=postgres://… npm run bench:province
// (BENCH_CASES to change the size; the timer sweep is bench:sweep with BENCH_TIMERS=100000).
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../src/db/client.js';
import { computeTables, scopeOfKey } from '../src/reports/reports.service.js';
import { table3Problems } from '../src/reports/tables.js';
import { DISPOSITION_CODES } from '../src/workflow/dispositions.js';
import { publishDefaultGuides } from '../src/guide/guide.service.js';
import { createStaff } from '../src/staff/auth.service.js';
import { signIn } from '../test/helpers/web.js';
import { benchApp, freshPostgres, requirePostgres } from './lib/bench-database.js';

const N = Number(process.env.BENCH_CASES ?? 5_000_000);
const CITIES = 14;
const COUNTIES = 120;
const PER_COUNTY = 40;
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);
const database = await freshPostgres(requirePostgres());
try {
  const app = await benchApp(database.url, '2027-01-15T02:00:00Z');
  const { ctx } = app.ogi;
  const run = (text: string) => ctx.db.execute(sql.raw(text));
  let t = performance.now();

  // The tree: 湖南省 (430000), cities 4301xx…, counties under them; 40 agencies per county, 10 per city and province.
  await run(
    `insert into jurisdictions (code, name, short_name, level, portal_title, mail_footer) values ('430000', '示例省', '示例省', 'province', '示例省政府信息公开申请平台', '本邮件由示例省政府信息公开申请平台自动发送。')`,
  );
  await run(`insert into jurisdictions (code, name, short_name, level, parent_id, portal_title, mail_footer)
    select (4301 + c - 1)::text || '00', '示例省第' || c || '市', '第' || c || '市', 'city', 1, '第' || c || '市政府信息公开申请平台', '本邮件由第' || c || '市平台发送。' from generate_series(1, ${CITIES}) c`);
  await run(`insert into jurisdictions (code, name, short_name, level, parent_id, portal_title, mail_footer)
    select (4301 + (k % ${CITIES}))::text || lpad((10 + k / ${CITIES})::text, 2, '0'), '第' || (1 + k % ${CITIES}) || '市第' || k || '区', '第' || k || '区', 'county',
      2 + (k % ${CITIES}), '第' || k || '区平台', '本邮件由第' || k || '区平台发送。' from generate_series(0, ${COUNTIES - 1}) k`);
  const agencyRows = `select j.id as jurisdiction_id, g, j.name as jname from jurisdictions j, generate_series(1, case j.level when 'county' then ${PER_COUNTY} else 10 end) g`;
  await run(`insert into agencies (slug, code, name, short_name, kind, jurisdiction_id, office_name, address, postcode, office_hours, phone, fax, email, website, review_body, court)
    select 'a' || row_number() over (), 'A' || row_number() over (), jname || '第' || g || '局', 'B' || row_number() over (), case g when 1 then 'government' else 'department' end,
      jurisdiction_id, '办公室', '某路1号', '410000', '工作日', '0731-1', '0731-2', 'a@example.gov.cn', 'http://example.gov.cn/', jname || '人民政府', jname || '人民法院'
    from (${agencyRows}) s`);
  const [{ n: agencyCount }] = rowsOf<{ n: number }>(await run('select count(*)::int as n from agencies')) as [{ n: number }];
  await ctx.jurisdictions.reload();
  console.log(`seeded 135 jurisdictions and ${agencyCount} agencies in ${seconds(t)} s`);

  // Cases over 2022–2026, one in twenty still open; each with its receipt entry, its concluding letter and, open, its timer.
  t = performance.now();
  const codes = `array[${DISPOSITION_CODES.map((c) => `'${c}'`).join(',')}]`;
  const CHUNK = 500_000;
  for (let from = 1; from <= N; from += CHUNK) {
    const to = Math.min(N, from + CHUNK - 1);
    await run(`
      insert into cases (tracking_number, agency_id, access_code_hash, channel, state, version, snapshot, received_on, due_on,
        due_provisional, clock_stopped, applicant_column, applicant_name, applicant, applicant_key, description, format, delivery, disposition, concluded_on)
      select 'P-' || g, 1 + g % ${agencyCount}, md5(g::text), 'online', case when done then 'answered' else 'assigned' end, 1, '{}'::jsonb, received, received + 28,
        false, false, (array['person','business','research','public_welfare','legal_services','other_org'])[1 + g % 6], '申请人' || g, '{}'::jsonb, md5('a' || g),
        '请公开第' || (g % 997) || '号文件及其附件的全文', 'electronic', 'online',
        case when done then (${codes})[1 + g % ${DISPOSITION_CODES.length}] end, case when done then least(received + g % 40, date '2027-01-14') end
      from (select g, date '2022-01-01' + (g % 1826) as received, g % 20 <> 0 or g % 1826 < 1700 as done from generate_series(${from}, ${to}) g) s`);
    console.log(`  cases ${to.toLocaleString('en')} (${seconds(t)} s)`);
  }
  // Bulk rows for cases that exist by construction: without per-row triggers and foreign-key checks
  // (session_replication_role, for this transaction only); otherwise 5,000,000 timeline rows take hours.
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql.raw('set local session_replication_role = replica'));
    await tx.execute(
      sql.raw(`insert into case_events (case_id, seq, type, "on", at, actor_kind, state_after, due_on_after, payload)
        select id, 1, 'RECEIVED', received_on, received_on::timestamptz, 'applicant', 'received', due_on, '{}'::jsonb from cases`),
    );
    console.log(`  timeline (${seconds(t)} s)`);
    await tx.execute(
      sql.raw(`insert into letters (case_id, event_seq, kind, recipient, document_number, issued_on, title, body_html, body_text, verification_code)
        select id, 2, 'answer', 'applicant', 'B〔' || extract(year from concluded_on) || '〕' || id || '号', concluded_on, '政府信息公开申请答复书', '<p>答复</p>', '答复', md5('v' || id)
        from cases where concluded_on is not null`),
    );
    console.log(`  letters (${seconds(t)} s)`);
    await tx.execute(
      sql.raw(`insert into timers (case_id, kind, due_on, fire_at, status)
        select id, 'answer_due', due_on, due_on::timestamptz + interval '1 day', 'pending' from cases where concluded_on is null`),
    );
  });
  await run('analyze');
  const [{ size }] = rowsOf<{ size: string }>(await run('select pg_size_pretty(pg_database_size(current_database())) as size')) as [{ size: string }];
  console.log(`seeded ${N.toLocaleString('en')} cases with timeline, letters and timers in ${seconds(t)} s; database ${size}`);

  // Table 三: one agency, one district, the province; each against a plain recount of the same cases.
  const recount = async (agencyIds: number[] | undefined) => {
    const scope = agencyIds ? `agency_id in (${agencyIds.join(',')})` : 'true';
    const [r] = rowsOf<{ received: number; concluded: number }>(
      await run(`select count(*) filter (where received_on between '2026-01-01' and '2026-12-31')::int as received,
        count(*) filter (where concluded_on between '2026-01-01' and '2026-12-31')::int as concluded from cases where ${scope}`),
    );
    return r!;
  };
  const district = (await ctx.jurisdictions.current()).rows.find((j) => j.level === 'county')!;
  for (const [label, key, target] of [
    ['one agency', 'a77', 0.1],
    ['a district (40 agencies)', district.code, 0.5],
    ['the province', '430000', 3],
  ] as const) {
    const scope = (await scopeOfKey(ctx, key))!;
    const times: number[] = [];
    let tables;
    for (let i = 0; i < 3; i += 1) {
      const at = performance.now();
      tables = await computeTables(ctx, 2026, scope);
      times.push((performance.now() - at) / 1000);
    }
    const plain = await recount(scope.code === '430000' ? undefined : scope.agencyIds);
    const agrees = tables!.table3.new.total === plain.received && tables!.table3.total.total === plain.concluded && !table3Problems(tables!.table3).length;
    const best = Math.min(...times);
    console.log(
      `table 三 for ${label.padEnd(24)} best ${best.toFixed(3)} s of ${times.map((s) => s.toFixed(3)).join(', ')}; recount ${agrees ? 'agrees' : 'DIFFERS'}; target < ${target} s: ${best < target ? 'met' : 'NOT met'}`,
    );
  }

  // The jurisdiction office's queue page: a district's office and the province's, signed in.
  for (const [label, code] of [
    ['a district office', district.code],
    ['the province office', '430000'],
  ] as const) {
    const email = `office.${code}@bench.local`;
    await createStaff(ctx, { email, password: 'bench-password-1', name: label, role: 'overseer', jurisdiction: code });
    const web = await signIn(app, email, 'bench-password-1');
    const ms: number[] = [];
    for (let i = 0; i < 41; i += 1) {
      const at = performance.now();
      const res = await web.get('/staff?overdue=true');
      if (res.statusCode !== 200) throw new Error(`/staff: ${res.statusCode}`);
      if (i > 0) ms.push(performance.now() - at);
    }
    ms.sort((x, y) => x - y);
    const p95 = ms[Math.ceil(ms.length * 0.95) - 1]!;
    console.log(`queue page of ${label.padEnd(20)} (overdue cases) median ${ms[20]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms; target < 50 ms: ${p95 < 50 ? 'met' : 'NOT met'}`);
  }

  // The portal home and a guide page under 50 connections for 10 s each.
  await publishDefaultGuides({ ...ctx });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  for (const [label, path] of [
    ['portal home', '/'],
    ['a guide page', '/guide/a77'],
  ] as const) {
    const result = await autocannon({ url: `http://127.0.0.1:${address.port}${path}`, connections: 50, duration: 10 });
    console.log(
      `${label.padEnd(13)} 50 connections: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${result.errors + result.non2xx}; target p99 < 50 ms: ${result.latency.p99 < 50 ? 'met' : 'NOT met'}`,
    );
  }
  await app.close();
} finally {
  await database.drop();
}
