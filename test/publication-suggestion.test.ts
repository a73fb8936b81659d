import t from 'tap';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

// Art. 44: an applicant who thinks the information concerns the public may suggest the agency
// publish it proactively; the agency reviews the suggestion.
t.test('an applicant suggests proactive publication (art. 44)', async (t) => {
  const { app } = await testApp(t);
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const desk = await signIn(app, clerk.email, clerk.password);
  const caseOf = async (tn: string) => (await clerk.get(`/api/cases/${tn}`)).json();

  await t.test('through the API: kept on the case, shown to the clerk; not suggesting is the default', async (t) => {
    const suggested = (await anon.post('/api/requests', application({ suggestsPublication: true }))).json();
    const plain = (await anon.post('/api/requests', application())).json();
    t.equal((await caseOf(suggested.trackingNumber)).suggestsPublication, true);
    t.equal((await caseOf(plain.trackingNumber)).suggestsPublication, false);
    const page = pageText((await desk.get(`/staff/cases/${suggested.trackingNumber}`)).body);
    t.match(page, /申请人建议将所申请的信息纳入主动公开范围 。请审核：属于主动公开范围的，应当及时主动公开（条例第四十四条）/);
    t.match(page, /建议主动公开 是（条例第四十四条）/);
    const other = pageText((await desk.get(`/staff/cases/${plain.trackingNumber}`)).body);
    t.notMatch(other, /申请人建议将所申请的信息纳入主动公开范围/);
    t.match(other, /建议主动公开 否/);
    const receiptOf = async (r: { trackingNumber: string; accessCode: string }) =>
      (await anon.get(`/api/requests/${r.trackingNumber}?accessCode=${r.accessCode}`)).json().letters[0].text as string;
    t.match(
      await receiptOf(suggested),
      /您建议将所申请的信息纳入主动公开范围。本机关将予以审核，认为属于主动公开范围的，将及时主动公开/,
      'the receipt says the suggestion will be reviewed',
    );
    t.notMatch(await receiptOf(plain), /建议将所申请的信息纳入主动公开范围/);

    const bad = await anon.post('/api/requests', application({ suggestsPublication: 'maybe' }));
    t.equal(bad.statusCode, 400);
    t.match(bad.json().fields, { suggestsPublication: /建议主动公开一项只能选择是或否/ });
  });

  await t.test('from the application form: the box, kept ticked when the form comes back, then filed', async (t) => {
    const visitor = webClient(app);
    const form = await visitor.get('/apply/fgj');
    t.match(pageText(form.body), /建议将所申请的信息纳入主动公开范围 （选填）/);
    t.notMatch(form.body, /name="suggestsPublication" value="yes"[^>]*checked/, 'not ticked by default');
    const formToken = /name="formToken" value="([^"]+)"/.exec(form.body)![1]!;
    const refused = await visitor.postMultipart('/apply', { ...application({ applicant: { phone: '' } }), suggestsPublication: 'yes', formToken }, []);
    t.equal(refused.statusCode, 400);
    t.match(refused.body, /name="suggestsPublication" value="yes"[^>]*checked/, 'still ticked');
    const accepted = await visitor.postMultipart('/apply', { ...application(), suggestsPublication: 'yes', formToken }, []);
    t.equal(accepted.statusCode, 303);
    const done = pageText((await visitor.get('/apply/done')).body);
    const trackingNumber = /FGJ-2026-\d{5}/.exec(done)![0];
    t.equal((await caseOf(trackingNumber)).suggestsPublication, true);
  });

  await t.test('registered by a clerk, and carried over when transferred', async (t) => {
    const registered = await clerk.post('/api/cases', { ...application({ suggestsPublication: true }), channel: 'in_person', receivedOn: '2026-03-02' });
    t.equal(registered.statusCode, 201);
    const tn = registered.json().trackingNumber as string;
    t.equal((await caseOf(tn)).suggestsPublication, true);
    const moved = await head.post(`/api/cases/${tn}/events`, { type: 'TRANSFER', agency: 'czj' });
    t.equal(moved.statusCode, 200);
    const czjClerk = await staffClient(app, 'clerk', 'czj');
    const to = (await czjClerk.get('/api/cases?agency=czj')).json().items[0].trackingNumber as string;
    t.equal((await czjClerk.get(`/api/cases/${to}`)).json().suggestsPublication, true, 'the receiving agency sees the suggestion');
  });
});
