import { eq } from 'drizzle-orm';
import t from 'tap';
import { cases, letters, outbox } from '../src/db/schema.js';
import { ADMIN, api, staffClient, testApp } from './helpers/test-app.js';
import { application, PDF } from './helpers/factories.js';
import { signIn, webClient } from './helpers/web.js';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(2)>';
const ESCAPED_SCRIPT = '&lt;script&gt;alert(1)&lt;/script&gt;';

t.test('HTML and script typed by applicants or clerks show as text on every page, in every letter and mail', async (t) => {
  const { app, db } = await testApp(t);
  const clean = (what: string, html: string) => {
    t.notOk(html.includes(SCRIPT), `${what}: no live script`);
    t.notOk(/<img[^>]*onerror/i.test(html), `${what}: no live handler`);
  };
  const shows = (what: string, html: string) => {
    clean(what, html);
    t.ok(html.includes(ESCAPED_SCRIPT), `${what}: the text is shown, escaped`);
  };

  // The citizen applies through the form with HTML in the name and the description.
  const citizen = webClient(app);
  const form = await citizen.get('/apply/fgj');
  const fields = {
    ...application({ applicant: { name: `${SCRIPT}张三` }, description: `请公开${SCRIPT}文件${IMG}全文` }),
    formToken: /name="formToken" value="([^"]+)"/.exec(form.body)![1],
  };
  const withError = await citizen.postMultipart('/apply', { ...fields, applicant: { ...fields.applicant, idNumber: 'bad' } }, []);
  t.equal(withError.statusCode, 400);
  shows('the form shown again with errors', withError.body);
  const sent = await citizen.postMultipart('/apply', fields, [{ filename: `${SCRIPT}.pdf`, content: PDF }]);
  t.equal(sent.statusCode, 303);
  const done = await citizen.get('/apply/done');
  shows('the confirmation and receipt', done.body);
  const tn = /<strong>(FGJ-2026-\d{5})<\/strong>/.exec(done.body)![1]!;
  const code = /<dt>查询码<\/dt><dd><strong>([A-Z2-9]{8})<\/strong>/.exec(done.body)![1]!;

  // Clerks act, typing HTML into every text they write into letters.
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const supervisor = await staffClient(app, 'supervisor', 'fgj');
  const act = async (who: typeof clerk, body: Record<string, unknown>) => t.equal((await who.post(`/api/cases/${tn}/events`, body)).statusCode, 200, body.type as string);
  await act(clerk, { type: 'CONSULT_THIRD_PARTY', party: `${SCRIPT}公司`, partyKind: 'third_party', matter: `${SCRIPT}合同` });
  await act(clerk, { type: 'THIRD_PARTY_REPLIED', opinion: 'agree', reasons: SCRIPT });
  await act(supervisor, { type: 'EXTEND', workingDays: 5, reason: `${SCRIPT}档案在外地` });
  await act(clerk, { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 40 });
  await act(clerk, { type: 'FEE_PAID' });
  await act(clerk, { type: 'REQUEST_REASONS', matter: `${SCRIPT}本月申请120件`, replyWithinWorkingDays: 5 });
  await act(clerk, { type: 'REASONS_GIVEN', text: `${SCRIPT}用于研究` });
  await act(supervisor, { type: 'DEFER_ANSWER', dueOn: '2026-06-30', reason: `${IMG}逐件检索` });
  await act(supervisor, { type: 'ANSWER', disposition: 'partially_disclosed', text: `${SCRIPT}部分公开`, withheldReasons: `${IMG}个人隐私`, legalBasis: SCRIPT });

  const stored = await db.select().from(letters).innerJoin(cases, eq(cases.id, letters.caseId)).where(eq(cases.trackingNumber, tn));
  t.same(
    stored.map((l) => l.letters.kind).sort(),
    ['answer', 'consultation_notice', 'consultation_request', 'deferral_notice', 'extension_notice', 'fee_notice', 'reasons_request', 'receipt'].sort(),
  );
  for (const { letters: letter } of stored) shows(`letter ${letter.kind}`, letter.bodyHtml);
  const receipt = stored.find((l) => l.letters.kind === 'receipt')!.letters;
  t.ok(receipt.bodyText.includes(`${SCRIPT}张三`), 'the plain-text letter keeps what was typed, as text');

  const track = await citizen.get(`/track?trackingNumber=${tn}&accessCode=${code}`);
  clean('the tracking page', track.body);
  for (const m of track.body.matchAll(/href="(\/track\/letters\/\d+\?[^"]+)"/g)) {
    shows(`the public letter ${m[1]}`, (await citizen.get(m[1]!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='))).body);
  }

  const staff = await signIn(app, clerk.email, clerk.password);
  shows('the queue', (await staff.get('/staff?tab=closed')).body);
  const casePage = await staff.get(`/staff/cases/${tn}`);
  shows('the case page', casePage.body);
  for (const m of casePage.body.matchAll(/href="(\/staff\/cases\/[^"]+\/letters\/\d+)"/g)) shows(`the staff letter ${m[1]}`, (await staff.get(m[1]!)).body);
  shows('a search for it', (await staff.get(`/staff?q=${encodeURIComponent('<script>')}`)).body);

  const published = await staff.post(`/staff/cases/${tn}/publish`, { title: `${SCRIPT}公开答复`, question: `${SCRIPT}问题内容`, answer: `${IMG}答复内容` });
  t.equal(published.statusCode, 303);
  shows('the reading room', (await citizen.get('/published')).body);
  shows('the published answer', (await citizen.get(published.headers.location!.replace(/\?.*/, ''))).body);

  const mails = await db.select().from(outbox).innerJoin(cases, eq(cases.id, outbox.caseId)).where(eq(cases.trackingNumber, tn));
  t.ok(mails.length >= 5);
  for (const { outbox: mail } of mails) clean(`mail ${mail.template}`, mail.html);

  // Staff-entered agency data, too.
  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  const guideForm = await admin.get('/admin/agencies/czj/guide');
  const values = Object.fromEntries([...guideForm.body.matchAll(/<input type="text" id="([a-zA-Z]+)" name="\1" value="([^"]*)"/g)].map((m) => [m[1], m[2]!]));
  const areas = Object.fromEntries([...guideForm.body.matchAll(/<textarea id="([a-zA-Z]+)" name="\1"[^>]*>([^<]*)<\/textarea>/g)].map((m) => [m[1], m[2]!]));
  await admin.post('/admin/agencies/czj/guide', { ...values, ...areas, officeName: `${SCRIPT}办公室` });
  await admin.post('/admin/agencies/czj/guide/publish', {});
  shows('the guide', (await citizen.get('/guide/czj')).body);
  shows('the guide diff', (await citizen.get('/guide/czj/diff?from=1&to=2')).body);
  t.ok((await api(app).get('/api/agencies/czj/guide')).json().contact.officeName.startsWith(SCRIPT), 'JSON keeps the text as it was typed');
});
