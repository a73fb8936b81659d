// The desk's to-do list and the reading room at scale (issues 33 and 34), on PostgreSQL: 1,000,000
// cases over 40 agencies of one district (3 % open: drafts, extension requests, corrections, reasons,
// assigned to 10 clerks) and 100,000 published answers. Measures, through the services the routes
// call, the tab counts and each tab's first page for a clerk, an office head, the district's OGI
// office and an administrator, the desk's search (two characters, two words, a tracking number's
// tail), and the reading room's search with filters and a later page. p95 of 40 runs each after one
// warm-up. The database is dropped afterwards. Run: DATABASE_URL=postgres://… npm run bench:queue
// (BENCH_CASES, BENCH_PUBLISHED to change the sizes; BENCH_KEEP=1 keeps the database to explain plans).
import { sql } from 'drizzle-orm';
import { rowsOf } from '../src/db/client.js';
import { listCases, queueTabs } from '../src/desk/queue.service.js';
import { searchPublished } from '../src/published/published.service.js';
import type { Principal } from '../src/staff/principal.js';
import { benchApp, freshPostgres, requirePostgres } from './lib/bench-database.js';

const N = Number(process.env.BENCH_CASES ?? 1_000_000);
const PUBLISHED = Math.min(N, Number(process.env.BENCH_PUBLISHED ?? 100_000));
const AGENCIES = 40;
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);
// Words the descriptions are made of: 60 of them, three to a description.
const WORDS = (
  '农机购置补贴 道路维修工程 城区绿化 学校布局调整 医保基金 财政预算 征地补偿 拆迁安置 环境监测 污水处理 ' +
  '价格监测 食品安全抽检 药品采购 公租房分配 低保名单 扶贫资金 河道整治 旧城改造 交通信号 停车收费 ' +
  '规划许可 建设工程 招标文件 中标结果 审计报告 统计公报 人口普查 就业补助 养老服务 残疾人补贴 ' +
  '林地征收 矿产开采 水质报告 空气质量 噪声投诉 垃圾分类 物业管理 燃气价格 供水价格 电力设施 ' +
  '文物保护 旅游规划 体育场馆 图书馆建设 社区服务 行政处罚 行政许可 信访事项 会议纪要 内部审批 ' +
  '公车采购 办公用房 人员编制 工资标准 专项资金 债务情况 国有资产 土地出让 房屋登记 户籍管理'
).split(' ');

// BENCH_REUSE=<url of a kept database>: measure again without seeding (after BENCH_KEEP=1).
const reuse = process.env.BENCH_REUSE;
const database = reuse ? { url: reuse, drop: async () => {} } : await freshPostgres(requirePostgres());
try {
  const app = await benchApp(database.url, '2026-12-07T02:00:00Z');
  const { ctx } = app.ogi;
  const run = (text: string) => ctx.db.execute(sql.raw(text));
  const t = performance.now();

  if (!reuse) await seed();
  async function seed() {
    await run(
      `insert into jurisdictions (code, name, short_name, level, portal_title, mail_footer) values ('439901', '示例区', '示例区', 'county', '示例区政府信息公开申请平台', '本邮件由示例区平台发送。')`,
    );
    await run(`insert into agencies (slug, code, name, short_name, kind, jurisdiction_id, office_name, address, postcode, office_hours, phone, fax, email, website, review_body, court)
    select 'a' || g, 'A' || g, '示例区第' || g || '局', 'B' || g, case g when 1 then 'government' else 'department' end, 1, '办公室', '某路1号', '410000', '工作日',
      '0731-1', '0731-2', 'a@example.gov.cn', 'http://example.gov.cn/', '示例区人民政府', '示例区人民法院' from generate_series(1, ${AGENCIES}) g`);
    await run(`insert into staff (email, name, role, agency_id, password_hash, jurisdiction_id)
    select 'clerk' || g || '@bench.local', '承办人' || g, 'clerk', 1 + (g % 4), 'x', 1 from generate_series(1, 10) g`);
    await ctx.jurisdictions.reload();
    const words = `array[${WORDS.map((w) => `'${w}'`).join(',')}]`;
    // 3 % open; of those, a fifth awaiting sign-off, a tenth an extension request, a tenth a correction, a twentieth reasons.
    const CHUNK = 250_000;
    for (let from = 1; from <= N; from += CHUNK) {
      const to = Math.min(N, from + CHUNK - 1);
      await run(`
      insert into cases (tracking_number, agency_id, access_code_hash, channel, state, version, snapshot, received_on, due_on, due_provisional, clock_stopped,
        assignee_id, applicant_column, applicant_name, applicant, applicant_key, description, format, delivery, disposition, concluded_on, pending_draft)
      select 'Q' || (1 + g % ${AGENCIES}) || '-' || (2022 + g % 5) || '-' || lpad(g::text, 7, '0'), 1 + g % ${AGENCIES}, md5(g::text), 'online',
        case when not open then 'answered' when g % 100 = 0 then 'awaiting_correction' else 'assigned' end, 1,
        case when open and g % 100 = 10 then '{"version":1,"state":"assigned","context":{"extensionRequest":{"workingDays":20,"reason":"r","requestedOn":"2026-12-01"}}}'::jsonb
             when open and g % 100 = 20 then '{"version":1,"state":"assigned","context":{"reasonsRequest":{"matter":"m","requestedOn":"2026-12-01","replyBy":"2026-12-08"}}}'::jsonb
             else '{}'::jsonb end,
        received, received + 28, false, false, case when open and g % 3 = 0 then 1 + g % 10 end,
        'person', (array['张','王','李','赵','欧阳','刘'])[1 + g % 6] || '某' || (g % 1000), '{}'::jsonb, md5('a' || g),
        '请公开' || (${words})[1 + g % 60] || '、' || (${words})[1 + (g / 60) % 60] || '和' || (${words})[1 + (g / 3600) % 60] || '的有关文件',
        'electronic', 'online', case when not open then 'disclosed' end, case when not open then received + 15 end,
        case when open and g % 5 = 1 then 'ANSWER' end
      from (select g, g % 33 = 0 as open, case when g % 33 = 0 then date '2026-11-01' + (g % 60) else date '2022-01-01' + (g % 1700) end as received
            from generate_series(${from}, ${to}) g) s`);
      console.log(`  cases ${to.toLocaleString('en')} (${seconds(t)} s)`);
    }
    await run(`insert into published_answers (case_id, agency_id, title, question, answer, published_on)
    select id, agency_id, '关于' || substr(description, 4, 20) || '的公开', description, '现将' || substr(description, 4) || '公开如下：详见附件。', date '2022-01-01' + (id % 1800)::int
    from cases where state = 'answered' order by id limit ${PUBLISHED}`);
    await run('vacuum analyze');
    const [{ size }] = rowsOf<{ size: string }>(await run('select pg_size_pretty(pg_database_size(current_database())) as size')) as [{ size: string }];
    const [{ open }] = rowsOf<{ open: number }>(await run(`select count(*)::int as open from cases where state not in ('answered', 'closed')`)) as [{ open: number }];
    console.log(
      `seeded ${N.toLocaleString('en')} cases (${open.toLocaleString('en')} open) and ${PUBLISHED.toLocaleString('en')} published answers in ${seconds(t)} s; database ${size}`,
    );
  }

  const p95 = async (label: string, target: number, fn: () => Promise<unknown>) => {
    await fn();
    const ms: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const at = performance.now();
      await fn();
      ms.push(performance.now() - at);
    }
    ms.sort((x, y) => x - y);
    const p = ms[Math.ceil(ms.length * 0.95) - 1]!;
    console.log(`${label.padEnd(52)} median ${ms[20]!.toFixed(1).padStart(6)} ms, p95 ${p.toFixed(1).padStart(6)} ms; target < ${target} ms: ${p < target ? 'met' : 'NOT met'}`);
  };
  const base = { email: 'bench@bench.local', name: 'bench', jurisdictionId: 1, oversees: null, passwordChangeRequired: false };
  const who: [string, Principal][] = [
    ['a clerk (25,000 cases)', { ...base, id: 2, role: 'clerk', agencyId: 2 }],
    ['an office head (25,000 cases)', { ...base, id: 6, role: 'supervisor', agencyId: 2 }],
    ['the district office (every case)', { ...base, id: 1, role: 'overseer', agencyId: null, oversees: 'all' }],
  ];
  for (const [label, principal] of who) {
    await p95(`tab counts, ${label}`, 50, () => queueTabs(ctx, principal, {}));
    for (const tab of ['open', 'mine', 'due_soon', 'overdue', 'approval', 'applicant', 'closed']) {
      if (tab === 'mine' && principal.role === 'overseer') continue;
      await p95(`  tab ${tab}, first page`, 50, () => listCases(ctx, principal, { tab }));
    }
  }
  const head = who[1]![1];
  const office = who[2]![1];
  await p95('desk search "补贴" (two characters), office head', 50, () => listCases(ctx, head, { q: '补贴' }));
  await p95('desk search "补贴" in 已办结, the district office', 100, () => listCases(ctx, office, { q: '补贴', tab: 'closed' }));
  await p95('desk search "道路 审计" (two words), the district office', 100, () => listCases(ctx, office, { q: '道路 审计' }));
  await p95('desk search a tracking number’s tail, the district office', 100, () => listCases(ctx, office, { q: '0004242' }));
  await p95('reading room: all, page 1', 100, () => searchPublished(ctx, {}));
  await p95('reading room: "补贴" (two characters)', 100, () => searchPublished(ctx, { q: '补贴' }));
  await p95('reading room: "补贴", page 50', 100, () => searchPublished(ctx, { q: '补贴', page: 50 }));
  await p95('reading room: "道路 审计", one agency, one year', 100, () => searchPublished(ctx, { q: '道路 审计', agency: 'a7', year: 2024 }));
  await p95('reading room: "公开" (in every item)', 100, () => searchPublished(ctx, { q: '公开' }));
  await app.close();
} finally {
  if (process.env.BENCH_KEEP || reuse) console.log(`kept ${database.url}`);
  else await database.drop();
}
