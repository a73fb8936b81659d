// One installation, several governments (issue 32): jurisdictions as data, each with its own portal
// address, header, mail footer and public URL; agencies and reports by jurisdiction, rolled up to the
// level above. The demo data set serves 湘潭市 and two of its districts, 雨湖区 and 岳塘区.
import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { outbox } from '../src/db/schema.js';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { answerBody, application, XIANGTAN_COUNTY } from './helpers/factories.js';
import { pageText, webClient } from './helpers/web.js';

t.test('jurisdictions as data: API, portal addresses, names in pages and mails', async (t) => {
  const { app, db } = await testApp(t);
  const anon = api(app);

  const list = (await anon.get('/api/jurisdictions')).json();
  t.same(list, [
    { code: '430300', name: '湘潭市', level: 'city', parent: null },
    { code: '430302', name: '湘潭市雨湖区', level: 'county', parent: '430300' },
    { code: '430304', name: '湘潭市岳塘区', level: 'county', parent: '430300' },
  ]);
  const agencies = (await anon.get('/api/agencies')).json();
  t.match(
    agencies.find((a: { slug: string }) => a.slug === 'czj'),
    { name: '湘潭市雨湖区财政局', jurisdiction: { code: '430302', name: '湘潭市雨湖区' } },
  );
  t.match(
    agencies.find((a: { slug: string }) => a.slug === 'xtczj'),
    { jurisdiction: { code: '430300', name: '湘潭市' } },
  );
  const yuetang = (await anon.get('/api/agencies?jurisdiction=430304')).json();
  t.same(
    yuetang.map((a: { slug: string }) => a.slug),
    ['ytzfb', 'ytjyj'],
    "a district's agencies only",
  );
  t.equal((await anon.get('/api/agencies?jurisdiction=430300')).json().length, agencies.length, "a city's: its own and its districts'");
  const unknown = await anon.get('/api/agencies?jurisdiction=110000');
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json(), { error: 'validation.failed', fields: { jurisdiction: '没有这个行政区划' } });

  // The portal: every jurisdiction on the home page; each one's own address with its own header.
  const home = pageText((await webClient(app).get('/')).body);
  t.match(home, /湘潭市政府信息公开申请平台/, 'the top jurisdiction names the installation');
  for (const name of ['湘潭市雨湖区', '湘潭市岳塘区', '湘潭市雨湖区财政局', '湘潭市岳塘区教育局']) t.ok(home.includes(name), `${name} on the home page`);
  const own = await webClient(app).get('/j/430304');
  t.equal(own.statusCode, 200);
  t.match(pageText(own.body), /^\s*湘潭市岳塘区 · 岳塘区政府信息公开申请平台/);
  t.match(pageText(own.body), /湘潭市岳塘区教育局/);
  t.notMatch(pageText(own.body), /雨湖区财政局|湘潭市财政局/, "another jurisdiction's agencies are not on its page");
  const guides = pageText((await webClient(app).get('/j/430304/guide')).body);
  t.match(guides, /湘潭市岳塘区政府信息公开指南/);
  t.match(guides, /湘潭市岳塘区人民政府办公室/);
  t.notMatch(guides, /湘潭市雨湖区/);
  t.equal((await webClient(app).get('/j/110000')).statusCode, 404, 'a code the installation does not serve');
  t.match(pageText((await webClient(app).get('/guide/ytjyj')).body), /在湘潭市岳塘区人民政府门户网站/, "the guide's default text names its own government");

  // Its own host name and public address: pages, mails and links carry them.
  const admin = await staffClient(app, 'admin');
  const changed = await admin.put('/api/jurisdictions/430304', {
    name: '湘潭市岳塘区',
    shortName: '岳塘区',
    level: 'county',
    parent: '430300',
    portalTitle: '岳塘区依申请公开平台',
    mailFooter: '本邮件由岳塘区依申请公开平台发送。',
    publicUrl: 'https://ysq.xtyt.gov.cn/',
    host: 'YSQ.xtyt.gov.cn',
  });
  t.equal(changed.statusCode, 200, changed.body);
  const byHost = await app.inject({ method: 'GET', url: '/', headers: { host: 'ysq.xtyt.gov.cn', accept: 'text/html' } });
  t.match(pageText(byHost.body), /^\s*湘潭市岳塘区 · 岳塘区依申请公开平台/);
  t.match(pageText(byHost.body), /湘潭市岳塘区教育局/);
  t.notMatch(pageText(byHost.body), /湘潭市雨湖区财政局/, 'on its own host the portal is that jurisdiction’s');
  const form = await app.inject({ method: 'GET', url: '/apply', headers: { host: 'ysq.xtyt.gov.cn', accept: 'text/html' } });
  t.match(form.body, /<option value="ytjyj"/);
  t.notMatch(form.body, /<option value="czj"/, 'its application form offers its own agencies');

  const receipt = (await anon.post('/api/requests', application({ agency: 'ytjyj' }))).json();
  const [mail] = await db
    .select({ text: outbox.text })
    .from(outbox)
    .where(and(eq(outbox.template, 'acknowledgment'), eq(outbox.channel, 'mail')));
  t.match(mail?.text, /https:\/\/ysq\.xtyt\.gov\.cn\/track\?trackingNumber=YTJY-/, 'the link goes to its own address');
  t.match(mail?.text, /本邮件由岳塘区依申请公开平台发送。/, 'its own footer');
  t.notMatch(mail?.text, /雨湖区政府信息公开申请平台/, "not another jurisdiction's");
  t.match(receipt.trackingNumber, /^YTJY-2026-\d{5}$/);

  const taken = await admin.post('/api/jurisdictions', { code: '430304', name: '重复', shortName: '重复', level: 'county', portalTitle: 'x', mailFooter: 'x' });
  t.equal(taken.statusCode, 400);
  t.match(taken.json(), { fields: { code: '该行政区划代码已被使用' } });
  const clerk = await staffClient(app, 'clerk', 'fgj');
  t.equal((await clerk.post('/api/jurisdictions', { code: '430321', name: '湘潭县', shortName: '湘潭县', level: 'county', portalTitle: 'x', mailFooter: 'x' })).statusCode, 403);
  const under = await admin.post('/api/jurisdictions', { ...XIANGTAN_COUNTY, parent: '430302' });
  t.match(under.json(), { fields: { parent: '上级行政区划的层级须高于本级' } }, 'a county is not under a county');
  const added = await admin.post('/api/jurisdictions', XIANGTAN_COUNTY);
  t.equal(added.statusCode, 201);
  t.same(added.json(), { code: '430321', name: '湘潭县', level: 'county', parent: '430300' });
});

t.test('reports roll up: a forwarded request counts once within the level that holds both agencies', async (t) => {
  const { app } = await testApp(t, { now: '2026-03-02T02:00:00Z' });
  const heads = { ytjyj: await staffClient(app, 'supervisor', 'ytjyj'), xtczj: await staffClient(app, 'supervisor', 'xtczj'), fgj: await staffClient(app, 'supervisor', 'fgj') };
  const register = async (agency: keyof typeof heads) => {
    const res = await heads[agency].post('/api/cases', { ...application({ agency, delivery: 'online' }), channel: 'in_person', receivedOn: '2026-03-02' });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json().trackingNumber as string;
  };
  const act = async (agency: keyof typeof heads, tn: string, body: Record<string, unknown>) => {
    const res = await heads[agency].post(`/api/cases/${tn}/events`, body);
    if (res.statusCode !== 200) throw new Error(res.body);
    return res.json();
  };
  // 岳塘区教育局 forwards one request to 湘潭市财政局 (art. 36(5)); 雨湖区发改局 answers one.
  const forwarded = await register('ytjyj');
  await act('ytjyj', forwarded, { type: 'TRANSFER', agency: 'xtczj', reason: '该资金由市财政局管理' });
  await act('fgj', await register('fgj'), answerBody('disclosed'));
  const admin = await staffClient(app, 'admin');
  const table = async (query: string) => (await admin.get(`/api/reports/annual?year=2026&${query}`)).json();

  const district = await table('jurisdiction=430304');
  t.match(district, { jurisdiction: '430304', agency: null, agencyName: '湘潭市岳塘区' });
  t.equal(district.rows.new.total, 1, '岳塘区 counts the request it received');
  t.equal(district.rows.unavailable_not_held.total, 1, 'concluded by forwarding ((四)1), the receiving agency being outside the district');
  const city = await table('jurisdiction=430300');
  t.equal(city.rows.new.total, 2, "the city's report holds both agencies: the forwarded request once, and 雨湖区's");
  t.equal(city.rows.unavailable_not_held.total, 0, "the forwarding agency's conclusion is left out");
  t.equal(city.rows.carried_forward.total, 1, 'the request is still open at 湘潭市财政局');
  t.same((await table('')).rows, city.rows, "with neither agency nor jurisdiction: every agency, here the top jurisdiction's");
  const yuhu = await table('jurisdiction=430302');
  t.equal(yuhu.rows.new.total, 1);
  t.equal(yuhu.rows.disclosed.total, 1);

  // The administrators' draft and publication work at each level, under the jurisdiction's code.
  const web = await admin.get('/api/reports/annual?year=2026&jurisdiction=999999');
  t.equal(web.statusCode, 400);
});

t.test('staff at every level: a jurisdiction office reads its and its children’s cases, masked, and decides none', async (t) => {
  const { app } = await testApp(t);
  const anon = api(app);
  const file = async (agency: string) => (await anon.post('/api/requests', application({ agency }))).json().trackingNumber as string;
  const inYuhu = await file('czj');
  const inCity = await file('xtczj');
  const inYuetang = await file('ytjyj');
  const admin = await staffClient(app, 'admin');
  const overseer = async (jurisdiction: string) => {
    const email = `office.${jurisdiction}@test.local`;
    const created = await admin.post('/api/staff', { email, password: 'office-password-1', name: `政务公开办${jurisdiction}`, role: 'overseer', jurisdiction });
    t.equal(created.statusCode, 201, created.body);
    return api(app, (await anon.post('/api/auth/login', { email, password: 'office-password-1' })).json().token);
  };
  const noJurisdiction = await admin.post('/api/staff', { email: 'x@test.local', password: 'office-password-1', name: 'x', role: 'overseer' });
  t.match(noJurisdiction.json(), { fields: { jurisdiction: '政务公开办须属于一个行政区划' } });

  const city = await overseer('430300');
  const yuhu = await overseer('430302');
  const queue = async (client: typeof city) => ((await client.get('/api/cases?limit=100')).json().items as { trackingNumber: string }[]).map((c) => c.trackingNumber).sort();
  t.same(await queue(city), [inYuhu, inCity, inYuetang].sort(), "the city's office sees its own agencies' cases and its districts'");
  t.same(await queue(yuhu), [inYuhu], "a district's office sees only its own");
  t.equal((await yuhu.get(`/api/cases/${inCity}`)).statusCode, 404, "the city's case is as missing to the district office");
  t.equal((await yuhu.get(`/api/cases/${inYuetang}`)).statusCode, 404, "and so is a sibling district's");
  t.same(((await yuhu.get('/api/cases?agency=xtczj')).json().items as unknown[]).length, 0, "another jurisdiction's agency's queue is empty");

  const seen = (await city.get(`/api/cases/${inYuhu}`)).json();
  t.equal(seen.applicant.name, '张*', 'the applicant’s name is masked for the office');
  t.notMatch(JSON.stringify(seen.applicant), /13[0-9]{9}|@example\.com|某路/, 'no phone number, e-mail or address');
  t.same(seen.allowedEvents, [], 'and it may decide nothing');
  const decided = await city.post(`/api/cases/${inYuhu}/events`, { type: 'ASSIGN', assignee: '1' });
  t.equal(decided.statusCode, 404, 'an office cannot act for the agency');
  t.equal((await city.get(`/api/cases/${inYuhu}/file.pdf`)).statusCode, 404, 'nor take the case file with its personal data');

  // Statistics: the district office its own jurisdiction, the city office the combined one.
  const own = (await yuhu.get('/api/reports/annual?year=2026')).json();
  t.match(own, { jurisdiction: '430302', agencyName: '湘潭市雨湖区' });
  t.equal(own.rows.new.total, 1);
  t.equal((await yuhu.get('/api/reports/annual?year=2026&jurisdiction=430300')).statusCode, 403, 'not the level above');
  t.equal((await yuhu.get('/api/reports/annual?year=2026&agency=xtczj')).statusCode, 403, "nor another jurisdiction's agency");
  t.equal((await city.get('/api/reports/annual?year=2026')).json().rows.new.total, 3, "the city's combines its districts'");
  t.equal((await city.get('/api/reports/annual?year=2026&jurisdiction=430304')).json().rows.new.total, 1);
});
