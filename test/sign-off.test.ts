// Art. 17 (review before disclosure; practice: 拟稿 → 审核 → 签发): a clerk's answer reaches the
// applicant only once the office head of the agency has signed it, through the API and the desk.
import t from 'tap';
import { ADMIN, api, staffClient, testApp } from './helpers/test-app.js';
import { answerBody, application } from './helpers/factories.js';
import { pageText, signIn } from './helpers/web.js';

t.test('draft, return with comment, redraft, sign-off, issue', async (t) => {
  const { app, clock, ctx } = await testApp(t);
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const receipt = (await anon.post('/api/requests', application({ applicant: { email: 'zhang@example.cn' } }))).json() as { trackingNumber: string; accessCode: string };
  const tn = receipt.trackingNumber;
  const applicantView = async () => (await anon.get(`/api/requests/${tn}?accessCode=${receipt.accessCode}`)).json();
  const applicantMails = async () => (await ctx.db.query.outbox.findMany()).filter((m) => m.recipient === 'zhang@example.cn').map((m) => m.template);

  clock.set('2026-03-04T02:00:00Z');
  const draft = await clerk.post(`/api/cases/${tn}/events`, answerBody('disclosed', { text: '经审查，现向您提供2025年度项目审批结果清单。' }));
  t.equal(draft.statusCode, 200);
  t.match(draft.json(), { state: 'received', pendingDraft: { type: 'ANSWER', disposition: 'disclosed', draftedBy: clerk.id } }, 'a draft: the case stays in its state');
  t.equal(draft.json().letters.length, 1, 'no letter beside the receipt');
  t.notOk(draft.json().allowedEvents.includes('ANSWER'), 'no second draft while one waits');
  t.match((await applicantView()).state, 'received', 'the applicant sees no answer');
  t.same(await applicantMails(), ['acknowledgment'], 'and is sent none');
  t.ok(
    (await ctx.db.query.outbox.findMany()).some((m) => m.template === 'draft_for_sign_off' && m.recipient === head.email),
    'the office head is told',
  );

  const selfSigned = await clerk.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' });
  t.equal(selfSigned.statusCode, 409);
  t.equal(selfSigned.json().rule, 'art17_signed_off_by_office_head', 'a clerk cannot sign');

  const queue = await head.get('/api/cases?awaiting=sign_off');
  t.same(
    queue.json().items.map((i: { trackingNumber: string }) => i.trackingNumber),
    [tn],
    'the 待审签 list',
  );

  clock.set('2026-03-05T02:00:00Z');
  t.equal((await head.post(`/api/cases/${tn}/events`, { type: 'RETURN_DRAFT', comment: '' })).statusCode, 400, 'a return needs a comment');
  const returned = await head.post(`/api/cases/${tn}/events`, { type: 'RETURN_DRAFT', comment: '请写明清单的文号' });
  t.equal(returned.statusCode, 200);
  t.match(returned.json(), { state: 'received', pendingDraft: null, answerText: '经审查，现向您提供2025年度项目审批结果清单。' }, 'the text to work from');

  clock.set('2026-03-06T02:00:00Z');
  t.equal((await clerk.post(`/api/cases/${tn}/events`, answerBody('disclosed', { text: '经审查，现向您提供2025年度项目审批结果清单（雨发改〔2025〕3号）。' }))).statusCode, 200);

  clock.set('2026-03-09T02:00:00Z');
  const signed = await head.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' });
  t.equal(signed.statusCode, 200);
  const c = signed.json();
  t.match(c, { state: 'answered', concludedOn: '2026-03-09', pendingDraft: null }, 'the answer date is the sign-off date');
  const answer = c.letters.find((l: { kind: string }) => l.kind === 'answer');
  t.match(answer, { issuedOn: '2026-03-09', documentNumber: /^.+依申〔2026〕\d+号$/ }, 'numbered and issued on signing');
  t.same(
    c.events.map((e: { type: string }) => e.type),
    ['SUBMITTED', 'DRAFTED', 'RETURN_DRAFT', 'DRAFTED', 'SIGN_OFF', 'ANSWER'],
    'the timeline shows each step',
  );
  const who = Object.fromEntries(c.events.map((e: { type: string; actor: { id: number | null } }) => [e.type, e.actor.id]));
  t.same([who.DRAFTED, who.RETURN_DRAFT, who.SIGN_OFF], [clerk.id, head.id, head.id], 'and who took it');
  t.match(c.events.at(-1).payload, { text: '经审查，现向您提供2025年度项目审批结果清单（雨发改〔2025〕3号）。', draftedBy: clerk.id }, 'issued as redrafted');

  const view = await applicantView();
  t.equal(view.state, 'answered');
  t.notOk(
    view.timeline.some((e: { type: string }) => ['DRAFTED', 'RETURN_DRAFT', 'SIGN_OFF'].includes(e.type)),
    'the review is internal',
  );
  t.same(await applicantMails(), ['acknowledgment', 'answer'], 'the applicant is told once it is signed');
});

t.test("the office head's own decision is signed on the spot; a transfer waits for sign-off before the other agency gets it", async (t) => {
  const { app } = await testApp(t);
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const file = async () => (await anon.post('/api/requests', application())).json().trackingNumber as string;

  const own = await head.post(`/api/cases/${await file()}/events`, answerBody('disclosed'));
  t.match(own.json(), { state: 'answered', pendingDraft: null });

  const tn = await file();
  const drafted = await clerk.post(`/api/cases/${tn}/events`, { type: 'TRANSFER', agency: 'czj', reason: '该信息由区财政局制作和保存。' });
  t.match(drafted.json(), { state: 'received', pendingDraft: { type: 'TRANSFER' } });
  const elsewhere = await staffClient(app, 'clerk', 'czj');
  t.equal((await elsewhere.get('/api/cases')).json().items.length, 0, 'nothing filed at the other agency yet');
  const signed = await head.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' });
  t.match(signed.json(), { state: 'closed', outcome: { reason: 'transferred' } });
  t.equal((await elsewhere.get('/api/cases')).json().items.length, 1, 'filed there once signed');
});

t.test('the desk: the draft is shown to the office head as the letter it will issue; confirmations name what was done', async (t) => {
  const { app } = await testApp(t);
  const anon = api(app);
  const clerkAccount = await staffClient(app, 'clerk', 'fgj');
  const headAccount = await staffClient(app, 'supervisor', 'fgj');
  const tn = (await anon.post('/api/requests', application())).json().trackingNumber as string;
  const clerk = await signIn(app, clerkAccount.email, clerkAccount.password);
  const page = await clerk.get(`/staff/cases/${tn}`);
  const version = /name="expectedVersion" value="(\d+)"/.exec(page.body)![1];
  t.match(page.body, /<select id="transfer-agency"[^>]*>\s*<option value="" selected>/, 'the transfer list has no agency preselected');
  const posted = await clerk.postMultipart(
    `/staff/cases/${tn}/events`,
    { expectedVersion: version, ...answerBody('disclosed', { text: '经审查，现向您提供该政府信息全文。' }) },
    [],
  );
  t.equal(posted.statusCode, 303);
  const after = await clerk.get(posted.headers.location as string);
  t.match(pageText(after.body), /已送负责人审签/, 'the clerk is told it went for sign-off');

  const head = await signIn(app, headAccount.email, headAccount.password);
  const list = await head.get('/staff?awaiting=sign_off');
  t.match(pageText(list.body), new RegExp(tn));
  const review = await head.get(`/staff/cases/${tn}`);
  const text = pageText(review.body);
  t.match(text, /待审签/);
  t.match(text, /政府信息公开申请答复书/, 'the letter as it will be issued');
  t.match(text, /经审查，现向您提供该政府信息全文。/);
  t.match(text, /依申〔2026〕\s+号/, 'numbered at sign-off: the number left blank');
  t.match(review.body, /name="type" value="SIGN_OFF"/);
  t.match(review.body, /name="type" value="RETURN_DRAFT"/);
});

t.test('a mistaken letter is corrected or revoked by a new numbered letter citing it, through the same sign-off', async (t) => {
  const { app, clock } = await testApp(t);
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const receipt = (await anon.post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
  const tn = receipt.trackingNumber;
  const answered = (await head.post(`/api/cases/${tn}/events`, answerBody('disclosed', { text: '经审查，现向您提供2025年度审批结果清单。' }))).json();
  const original = answered.letters.find((l: { kind: string }) => l.kind === 'answer');
  t.ok(answered.allowedEvents.includes('CORRECT_LETTER'), 'offered on an answered case');

  clock.set('2026-03-04T02:00:00Z');
  const missing = await clerk.post(`/api/cases/${tn}/events`, { type: 'CORRECT_LETTER', letter: 999999, action: 'correct', reason: '年份写错', correction: '应为2026年度' });
  t.match(missing.json(), { error: 'validation.failed', fields: { letter: '本申请没有这份发给申请人的文书' } });
  const drafted = await clerk.post(`/api/cases/${tn}/events`, {
    type: 'CORRECT_LETTER',
    letter: original.id,
    action: 'correct',
    reason: '答复书将“2026年度”误写为“2025年度”。',
    correction: '“现向您提供2025年度审批结果清单”更正为“现向您提供2026年度审批结果清单”。',
  });
  t.match(drafted.json(), { state: 'answered', pendingDraft: { type: 'CORRECT_LETTER' } }, 'a draft like any decision');
  t.equal(drafted.json().letters.length, answered.letters.length, 'nothing issued yet');
  clock.set('2026-03-05T02:00:00Z');
  const signed = (await head.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' })).json();
  const correction = signed.letters.at(-1);
  t.match(correction, { kind: 'letter_correction', title: '政府信息公开文书更正告知书', issuedOn: '2026-03-05', documentNumber: /依申〔2026〕\d+号$/ });
  t.not(correction.documentNumber, original.documentNumber, 'a number of its own');
  t.ok(
    signed.letters.some((l: { id: number }) => l.id === original.id),
    'the original stays on file',
  );
  const view = (await anon.get(`/api/requests/${tn}?accessCode=${receipt.accessCode}`)).json();
  const text = view.letters.find((l: { kind: string }) => l.kind === 'letter_correction').text as string;
  t.match(text, `《政府信息公开申请答复书》（${original.documentNumber}）`, 'cites the original by title and number');
  t.match(text, '2026年3月2日', 'and its date');
  t.match(text, '现向您提供2026年度审批结果清单', 'says what now holds');
  t.match(text, /如对本答复不服，可以自收到本答复之日起60日内/, 'the remedy of the answer it corrects (行政复议法 art. 20)');

  const revoked = (
    await head.post(`/api/cases/${tn}/events`, { type: 'CORRECT_LETTER', letter: original.id, action: 'revoke', reason: '答复书误发。', correction: '本机关将重新作出答复。' })
  ).json();
  t.match(revoked.letters.at(-1), { kind: 'letter_revocation', title: '政府信息公开文书撤销告知书' }, "the office head's own is issued at once");
});

t.test("an agency's own steps: a 保密审查 before a disclosure is signed, and two signers", async (t) => {
  const { app } = await testApp(t);
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const leader = await staffClient(app, 'supervisor', 'fgj');
  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  await admin.get('/admin/agencies/fgj');
  const set = await admin.post('/admin/agencies/fgj', { name: '湘潭市雨湖区发展和改革局', shortName: '雨发改', kind: 'department', secrecyReview: '1', secondSigner: '1' });
  t.equal(set.statusCode, 303);
  const tn = (await anon.post('/api/requests', application())).json().trackingNumber as string;
  await clerk.post(`/api/cases/${tn}/events`, answerBody('disclosed'));

  const early = await head.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' });
  t.equal(early.json().rule, 'art17_secrecy_review_before_sign_off', 'no sign-off before the 保密审查 (art. 17)');
  const waiting = (await head.get(`/api/cases/${tn}`)).json();
  t.match(waiting, { pendingDraft: { needs: { secrecyReview: true } } });
  t.ok(waiting.allowedEvents.includes('SECRECY_REVIEW') && !waiting.allowedEvents.includes('SIGN_OFF'), 'the review is offered, the sign-off not yet');
  t.equal((await head.post(`/api/cases/${tn}/events`, { type: 'SECRECY_REVIEW', conclusion: '经审查，不涉及国家秘密和工作秘密，可以公开。' })).statusCode, 200);

  const reviewed = (await head.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' })).json();
  t.match(reviewed, { state: 'received', pendingDraft: { reviewedBy: head.id, needs: { secondSignature: true } } }, 'the first signature reviews (审核)');
  const twice = await head.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' });
  t.equal(twice.json().rule, 'art17_second_signer_differs', 'the reviewer cannot also sign');
  const signed = (await leader.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' })).json();
  t.equal(signed.state, 'answered', 'the second signer issues it (签发)');
  t.same(
    signed.events.map((e: { type: string }) => e.type),
    ['SUBMITTED', 'DRAFTED', 'SECRECY_REVIEW', 'REVIEWED', 'SIGN_OFF', 'ANSWER'],
    'each step on the timeline',
  );
});
