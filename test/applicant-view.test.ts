// The applicant's view of a request is stored once built and sent as it is while nothing it shows
// has changed (applicant_views). These tests look a request up, change it in every way a change can
// come, and look it up again: the applicant must always see the request as it is now.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { rowsOf } from '../src/db/client.js';
import { applicantViews } from '../src/db/schema.js';
import { applicantView, VIEW_FORMAT } from '../src/requests/applicant-view.js';
import { loadBundle, storeView } from '../src/requests/applicant-views.repository.js';
import { ADMIN, api, login, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { pageText, signIn } from './helpers/web.js';
import { serveByPost } from './helpers/service.js';

t.test('the applicant sees each change at the next lookup', async (t) => {
  // Monday 14 December 2026: the 20 working days run into 2027, whose schedule is not loaded yet.
  const { app, clock, db } = await testApp(t, { now: '2026-12-14T02:00:00Z' });
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const supervisor = await staffClient(app, 'supervisor', 'fgj');
  const file = async () => (await anon.post('/api/requests', application({ agency: 'fgj' }))).json() as { trackingNumber: string; accessCode: string };
  const lookup = async (r: { trackingNumber: string; accessCode: string }, code = r.accessCode) => anon.get(`/api/requests/${r.trackingNumber}?accessCode=${code}`);
  const view = async (r: { trackingNumber: string; accessCode: string }) => {
    const res = await lookup(r);
    if (res.statusCode !== 200) throw new Error(`lookup: ${res.statusCode} ${res.body}`);
    if (res.headers['content-type'] !== 'application/json; charset=utf-8') throw new Error(`lookup answered ${res.headers['content-type']}`);
    return res.json();
  };
  const storedViews = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(applicantViews))[0]!.n;

  const receipt = await file();
  const first = await view(receipt);
  t.match(first, { trackingNumber: receipt.trackingNumber, state: 'received', stateLabel: '已受理，待分办', dueProvisional: true, agency: { slug: 'fgj' } });
  t.equal(await storedViews(), 1, 'the first lookup stores the view');
  t.same(await view(receipt), first, 'the next one finds it unchanged');

  await t.test('a clerk asks for a correction: new state, letter, period and timeline entry', async (t) => {
    const asked = await clerk.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'REQUEST_CORRECTION', items: ['写明所需文件的名称或文号'], dueInWorkingDays: 10 });
    t.equal(asked.statusCode, 200);
    const now = await view(receipt);
    t.match(now, { state: 'awaiting_correction', stateLabel: String, correctionDueOn: /^\d{4}-\d{2}-\d{2}$/ });
    t.ok(
      now.letters.some((l: { kind: string }) => l.kind === 'correction_notice'),
      'the 补正告知书 is shown',
    );
    t.equal(now.timeline.at(-1).type, 'REQUEST_CORRECTION');
  });

  await t.test('the schedule of 2027 is loaded: the due date is no longer provisional', async (t) => {
    const other = await file();
    t.equal((await view(other)).dueProvisional, true);
    const admin = api(app, await login(app, ADMIN.email, ADMIN.password));
    t.equal((await admin.put('/api/calendar/years/2027', { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] })).statusCode, 200);
    const now = await view(other);
    t.equal(now.dueProvisional, false);
    t.equal(now.dueOn, '2027-01-12', 'counted without 1 January');
  });

  await t.test('the correction period runs out: the sweep closes the request', async (t) => {
    t.equal((await view(receipt)).dueFromIssue, true, 'provisional until the notice is served');
    // The period runs from the notice's service (docs/statute.md §6): handed over the day it was issued.
    await serveByPost(head, receipt.trackingNumber, 'correction_notice');
    const before = await view(receipt);
    t.equal(before.dueFromIssue, false, 'the view shows the service at the next lookup');
    clock.set(new Date(`${before.correctionDueOn}T16:00:01Z`));
    t.match(await app.ogi.sweeper.runOnce(), { applied: 1 });
    t.match(await view(receipt), { state: 'awaiting_correction' }, 'proposed to the office head, not closed unseen (art. 17)');
    t.equal((await head.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'SIGN_OFF' })).statusCode, 200);
    t.match(await view(receipt), { state: 'closed', disposition: 'other_no_correction', correctionDueOn: null });
    clock.set(new Date('2026-12-14T02:00:00Z'));
  });

  await t.test('the agency is renamed', async (t) => {
    const web = await signIn(app, ADMIN.email, ADMIN.password);
    const form = (await web.get('/admin/agencies/fgj')).body;
    const fields = Object.fromEntries(
      [...form.matchAll(/<input type="text" id="[^"]*" name="([^"]+)" value="([^"]*)"|<input type="radio" name="([^"]+)" value="([^"]*)" checked/g)].map((m) => [
        m[1] ?? m[3],
        m[2] ?? m[4],
      ]),
    );
    t.equal((await web.post('/admin/agencies/fgj', { ...fields, name: '湘潭市雨湖区发展和改革局（新）' })).statusCode, 303);
    t.equal((await view(receipt)).agency.name, '湘潭市雨湖区发展和改革局（新）');
  });

  await t.test('a new access code: the old one opens nothing, though its view was stored', async (t) => {
    const other = await file();
    await view(other);
    const issued = (await clerk.post(`/api/cases/${other.trackingNumber}/access-code`)).json();
    t.equal((await lookup(other)).statusCode, 404);
    t.equal((await lookup(other, issued.accessCode)).statusCode, 200);
  });

  await t.test('a row the view shows written outside any case change: the view follows it (migration 0009)', async (t) => {
    const other = await file();
    const before = await view(other);
    const [c] = rowsOf<{ id: number }>(await db.execute(sql`select id from cases where tracking_number = ${other.trackingNumber}`));
    await db.execute(sql`
      insert into letters (case_id, event_seq, kind, recipient, document_number, issued_on, title, body_html, body_text, verification_code)
      values (${c!.id}, 1, 'extra_notice', 'applicant', '雨发改〔2026〕99号', '2026-12-14', '另行告知书', '<p>另行告知</p>', '另行告知', 'TEST00000001')`);
    const now = await view(other);
    t.equal(now.letters.length, before.letters.length + 1);
    t.equal(now.letters.at(-1).title, '另行告知书');
  });

  await t.test('a lookup that stores the view it read before a change does not hide the change', async (t) => {
    const other = await file();
    await view(other);
    // A slow lookup reads the case, a clerk changes it, then the slow lookup stores what it read.
    const read = (await loadBundle(db, other.trackingNumber))!;
    t.equal((await supervisor.post(`/api/cases/${other.trackingNumber}/events`, { type: 'EXTEND', workingDays: 20, reason: '需要调取档案' })).statusCode, 200);
    await storeView(db, read, VIEW_FORMAT, JSON.stringify(applicantView(read)));
    const now = await view(other);
    t.equal(now.timeline.at(-1).type, 'EXTEND');
    t.not(now.dueOn, read.due_on, 'the extended due date');
  });

  await t.test('a view stored by another version of the code is built anew', async (t) => {
    const other = await file();
    const built = await view(other);
    const mine = sql`case_id = (select id from cases where tracking_number = ${other.trackingNumber})`;
    await db.execute(sql`update applicant_views set format = 'an-earlier-release', body = '{"stateLabel":"旧的文字"}' where ${mine}`);
    t.same(await view(other), built);
    // And it is the stored view that is sent while it holds: kept as it is, it is answered as it is.
    await db.execute(sql`update applicant_views set body = jsonb_set(body::jsonb, '{stateLabel}', '"已存的文字"')::text where ${mine}`);
    t.same(await view(other), { ...built, stateLabel: '已存的文字' });
  });

  await t.test('the tracking page reads the same view', async (t) => {
    const other = await file();
    t.equal((await head.post(`/api/cases/${other.trackingNumber}/events`, { type: 'TRANSFER', agency: 'czj' })).statusCode, 200);
    const page = await anon.get(`/track?trackingNumber=${other.trackingNumber}&accessCode=${other.accessCode}`);
    t.equal(page.statusCode, 200);
    t.match(pageText(page.body), /告知并转送负责机关/);
    t.equal((await view(other)).state, 'closed');
  });
});
