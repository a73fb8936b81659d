// What each letter says for what it decides (条例 arts. 30–39; 行政复议法 2023 arts. 20, 23;
// 行政诉讼法 art. 46; 法释〔2011〕17号 art. 2): rendered from the real templates, read as text.
import t from 'tap';
import type { IsoDate } from '../calendar/dates.js';
import { OFFICIAL_SCHEDULES } from '../calendar/official-schedules.js';
import { buildCalendar } from '../calendar/working-days.js';
import type { ApplicantRecord } from '../db/schema.js';
import { compileTemplates } from '../render.js';
import { DISPOSITION_CODES, type Disposition } from '../workflow/dispositions.js';
import type { LetterKind } from '../workflow/request.machine.js';
import { NO_ANSWER_DETAILS, type AnswerDetails, type ClientEvent, type EventActor } from '../workflow/types.js';
import { decide, startCase, type Decision } from '../workflow/workflow.js';
import { LETTER_TITLES, letterModel, type LetterAgency } from './letters.model.js';
import { remedyOf, reviewFirst, reviewOrSuit } from './remedy.js';
import { htmlToText } from './html-to-text.js';

const calendar = buildCalendar(OFFICIAL_SCHEDULES);
const letters = compileTemplates('letters');
const officeHead: EventActor = { kind: 'staff', id: 8, role: 'supervisor', ofCaseAgency: true };
const AGENCY: LetterAgency = {
  name: '示例市示范区发展和改革局',
  officeName: '区发改局办公室',
  address: '示例省示例市示范区示范路1号',
  postcode: '411100',
  phone: '0731-52325101',
  email: 'yhfgj@example.gov.cn',
  reviewBody: '示例市示范区人民政府',
  court: '示例市示范区人民法院',
};
const PERSON: ApplicantRecord = { kind: 'person', orgCategory: null, name: '张三', idType: 'resident_id', idNumber: 'x', phone: '13800138000', email: null, address: null };
const COMPANY: ApplicantRecord = { ...PERSON, kind: 'organization', orgCategory: 'business', name: '示例某某科技有限公司', idType: 'credit_code' };
const REVIEW_OR_SUIT = reviewOrSuit(AGENCY.reviewBody, AGENCY.court);
const REVIEW_FIRST = reviewFirst(AGENCY.reviewBody);

type Ok = Extract<Decision, { ok: true }>;
const step = (from: Ok, on: IsoDate, event: ClientEvent): Ok => {
  const d = decide({ snapshot: from.snapshot, event: { ...event, on, actor: officeHead } as never, calendar });
  if (!d.ok) throw new Error(`${event.type}: ${d.rule}`);
  return d;
};

/** A letter as issued: the model from the case's decision, rendered by its template, as plain text. */
function render(args: { kind: LetterKind; decision: Ok; on: IsoDate; payload?: Record<string, unknown>; applicant?: ApplicantRecord; transferredTo?: LetterAgency }) {
  const model = letterModel({
    kind: args.kind,
    documentNumber: '雨发改依申〔2026〕1号',
    issuedOn: args.on,
    agency: AGENCY,
    trackingNumber: 'FGJ-2026-00001',
    receivedOn: args.decision.snapshot.context.receivedOn,
    applicant: args.applicant ?? PERSON,
    description: '请公开2026年区政府投资项目清单',
    suggestsPublication: false,
    context: args.decision.snapshot.context,
    deadlines: args.decision.deadlines,
    calendar,
    payload: args.payload ?? {},
    releasedFiles: [],
    transferredTo: args.transferredTo ?? null,
  });
  return htmlToText(letters.render(args.kind, model)).replace(/\n/g, '');
}

const answerText = (disposition: Disposition, details: Partial<AnswerDetails> & { earlierAnsweredOn?: string } = {}, applicant = PERSON) => {
  const { earlierAnsweredOn, ...rest } = details;
  const event = { type: 'ANSWER', disposition, text: '经审查，现就您的申请答复如下。', ...NO_ANSWER_DETAILS, ...rest } as ClientEvent;
  const decision = step(startCase({ receivedOn: '2026-03-02', calendar }), '2026-03-20', event);
  const payload = { disposition, ...rest, earlierCase: rest.earlierCase?.trackingNumber ?? '', earlierAnsweredOn: earlierAnsweredOn ?? '' };
  return render({ kind: 'answer', decision, on: '2026-03-20', payload, applicant });
};

t.test('the remedy follows the decision (行政复议法 arts. 20, 23; 法释〔2011〕17号 art. 2)', async (t) => {
  for (const kind of [
    'receipt',
    'correction_notice',
    'reasons_request',
    'deferral_notice',
    'extension_notice',
    'consultation_notice',
    'consultation_request',
    'reopen_notice',
  ] as const) {
    t.equal(remedyOf({ kind }), 'none', `${kind}: an interim letter, no remedy`);
  }
  for (const kind of ['fee_notice', 'transfer_notice', 'closure_notice'] as const) t.equal(remedyOf({ kind }), 'review_or_suit', `${kind}: review or suit`);
  for (const code of DISPOSITION_CODES) {
    const expected = code.startsWith('withheld_')
      ? 'review_first'
      : code === 'partially_disclosed'
        ? 'partial'
        : ['rejected_publication', 'unavailable_needs_creation'].includes(code)
          ? 'review_only'
          : 'review_or_suit';
    t.equal(remedyOf({ kind: 'answer', disposition: code }), expected, `answer ${code}: ${expected}`);
  }
});

t.test('a withholding answer: review first, no direct suit (行政复议法 art. 23(1)(4), 23(2))', async (t) => {
  const text = answerText('withheld_third_party_rights', { withheldReasons: '涉及第三方商业秘密' });
  t.ok(text.includes(REVIEW_FIRST), 'review first, naming the review body');
  t.notMatch(text, /6个月内|示例市示范区人民法院/, 'no direct suit, no court');
  t.match(text, /第十五条、第三十二条、第三十六条第三项/);
  t.match(text, /理由：涉及第三方商业秘密/);
});

t.test('a disclosure: review or suit, with the review body and the court', async (t) => {
  const text = answerText('disclosed');
  t.ok(text.includes(REVIEW_OR_SUIT));
  t.match(text, /第三十六条第二项的规定，本机关予以公开/);
  const published = answerText('disclosed', { alreadyPublicAt: '区政府门户网站“政府信息公开”栏目' });
  t.match(
    published,
    /本机关已经主动公开。根据《中华人民共和国政府信息公开条例》第三十六条第一项的规定，告知您获取该政府信息的方式、途径：区政府门户网站/,
    'art. 36(1): where to find it',
  );
});

t.test('partial disclosure: review first for the withheld part, review or suit for the rest', async (t) => {
  const text = answerText('partially_disclosed', { withheldReasons: '住址属于个人隐私' });
  t.match(text, /如对本答复中不予公开的部分不服，可以自收到本答复之日起60日内向示例市示范区人民政府申请行政复议；对行政复议决定不服的，可以依法向人民法院提起行政诉讼。/);
  t.match(text, /如对本答复的其他内容不服.*或者在6个月内依法向示例市示范区人民法院提起行政诉讼。/);
  t.match(text, /第三十七条/);
});

t.test('refusals the courts do not hear offer review only and say how else to obtain it (法释〔2011〕17号 art. 2)', async (t) => {
  const publication = answerText('rejected_publication', { howToObtain: '可在区图书馆查阅' });
  t.match(publication, /第三十九条第二款/);
  t.match(publication, /获取该出版物的途径：可在区图书馆查阅/);
  t.match(publication, /可以自收到本答复之日起60日内依法向示例市示范区人民政府申请行政复议。/);
  t.notMatch(publication, /行政诉讼/, 'no lawsuit offered');
  const creation = answerText('unavailable_needs_creation', { howToObtain: '可申请获取各项目的立项批复原件' });
  t.match(creation, /第三十八条/);
  t.notMatch(creation, /行政诉讼/);
});

t.test('each disposition says what its article requires (arts. 36, 38, 39)', async (t) => {
  const none = answerText('unavailable_not_held');
  t.match(none, /第三十六条第四项的规定，告知您该政府信息不存在/, '36(4) without a responsible agency');
  t.notMatch(none, /第三十六条第五项/);
  const elsewhere = answerText('unavailable_not_held', {
    responsibleAgency: '示例市自然资源和规划局',
    responsibleAgencyContact: '0731-55555555',
    notResponsibleReason: '用地审批信息由其制作',
  });
  t.match(elsewhere, /不属于本机关负责公开，理由是：用地审批信息由其制作/);
  t.match(elsewhere, /第三十六条第五项的规定，告知您：负责公开该政府信息的行政机关为示例市自然资源和规划局，联系方式：0731-55555555/);
  t.notMatch(elsewhere, /第三十六条第四项/);
  t.match(answerText('rejected_complaint', { otherChannel: '12345政务服务便民热线' }), /第三十九条第一款的规定，本机关不作为政府信息公开申请处理。您可以通过以下渠道提出：12345/);
  const confirmation = answerText('rejected_confirmation');
  t.match(confirmation, /第二条/);
  t.notMatch(confirmation, /第三十九条/, 'cites no article the case is not in');
  const other = answerText('other', { legalBasis: '《不动产登记暂行条例》第二十七条' });
  t.match(other, /根据《不动产登记暂行条例》第二十七条的规定/);
  t.notMatch(other, /第三十六条第七项/);
  const duplicate = answerText('rejected_duplicate', {
    earlierCase: { trackingNumber: 'FGJ-2026-00009', sameApplicant: true, sameAgency: true, answeredOn: '2026-02-02' },
    earlierAnsweredOn: '2026-02-02',
  });
  t.match(duplicate, /本机关已于2026年2月2日对您提出的政府信息公开申请（申请编号：FGJ-2026-00009）作出答复.*第三十六条第六项/);
  t.match(
    answerText('withheld_prohibited_by_law', { withheldReasons: '涉及统计调查对象', legalBasis: '《中华人民共和国统计法》第三十九条' }),
    /依据：《中华人民共和国统计法》第三十九条/,
  );
});

t.test('organisations are addressed as 贵单位', async (t) => {
  const text = answerText('disclosed', {}, COMPANY);
  t.match(text, /^政府信息公开申请答复书雨发改依申〔2026〕1号示例某某科技有限公司：本机关于2026年3月2日收到贵单位提交的/);
  t.notMatch(text, /您/);
  t.notMatch(render({ kind: 'receipt', decision: startCase({ receivedOn: '2026-03-02', calendar }), on: '2026-03-02', applicant: COMPANY }), /您/);
});

t.test('interim letters carry no remedy clause (法释〔2011〕17号 art. 2(1))', async (t) => {
  const started = startCase({ receivedOn: '2026-03-02', calendar });
  const corrected = step(started, '2026-03-04', { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 10 });
  const extended = step(started, '2026-03-04', { type: 'EXTEND', workingDays: 10, reason: '需调取档案' });
  for (const [kind, decision] of [
    ['receipt', started],
    ['correction_notice', corrected],
    ['extension_notice', extended],
  ] as const) {
    t.notMatch(render({ kind, decision, on: '2026-03-04' }), /如对本.{0,8}不服|行政复议|行政诉讼/, `${kind}: no remedy`);
  }
});

t.test('an answer after a correction quotes the corrected application and its receipt (art. 30)', async (t) => {
  const asked = step(startCase({ receivedOn: '2026-03-02', calendar }), '2026-03-04', { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 10 });
  const corrected = step(asked, '2026-03-09', { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-09', text: '所需为区发改局2025年第3号文件' });
  const answered = step(corrected, '2026-03-20', { type: 'ANSWER', disposition: 'disclosed', text: '现向您提供该文件全文。', ...NO_ANSWER_DETAILS } as ClientEvent);
  const text = render({ kind: 'answer', decision: answered, on: '2026-03-20', payload: { disposition: 'disclosed' } });
  t.match(
    text,
    /本机关于2026年3月2日收到您提交的政府信息公开申请（申请编号：FGJ-2026-00001），申请内容为：“请公开2026年区政府投资项目清单”。经本机关告知补正，您于2026年3月9日提交了补正后的申请，补正内容为：“所需为区发改局2025年第3号文件”，答复期限自该日起计算。/,
  );
});

t.test('a provisional date says so (《全国年节及纪念日放假办法》; docs/statute.md §6a)', async (t) => {
  const receipt = render({ kind: 'receipt', decision: startCase({ receivedOn: '2026-12-15', calendar }), on: '2026-12-15' });
  t.match(receipt, /即2027年1月13日（暂定，以国务院公布的节假日安排为准）前/);
  t.notMatch(render({ kind: 'receipt', decision: startCase({ receivedOn: '2026-03-02', calendar }), on: '2026-03-02' }), /暂定/);
});

t.test("a transfer notice gives the reason and the agency's contact, and promises nothing for it (art. 36(5))", async (t) => {
  const czj: LetterAgency = { ...AGENCY, name: '示例市示范区财政局', address: '示范路1号6楼', phone: '0731-52325201', email: 'yhczj@example.gov.cn' };
  const decision = step(startCase({ receivedOn: '2026-03-02', calendar }), '2026-03-04', { type: 'TRANSFER', agency: 'czj', agencyName: czj.name, reason: '该资金由区财政局拨付' });
  const text = render({ kind: 'transfer_notice', decision, on: '2026-03-04', payload: { reason: '该资金由区财政局拨付', to: 'CZJ-2026-00001' }, transferredTo: czj });
  t.match(text, /不属于本机关负责公开，理由是：该资金由区财政局拨付/);
  t.match(text, /负责公开该政府信息的行政机关为示例市示范区财政局，联系方式：地址示范路1号6楼（邮编411100），电话0731-52325201，电子邮箱yhczj@example.gov.cn/);
  t.match(text, /转送该机关，供其依法处理/);
  t.match(text, /您也可以直接向该机关提出政府信息公开申请/);
  t.notMatch(text, /该机关将|20个工作日内/, "no promise on the receiving agency's behalf");
  t.ok(text.includes(REVIEW_OR_SUIT));
});

t.test("disclosure over a third party's objection: the written notice to it (art. 32)", async (t) => {
  const consulting = step(startCase({ receivedOn: '2026-03-02', calendar }), '2026-03-03', {
    type: 'CONSULT_THIRD_PARTY',
    party: '示例某建设有限公司',
    partyKind: 'third_party',
    matter: '合同金额',
  });
  const objected = step(consulting, '2026-03-10', { type: 'THIRD_PARTY_REPLIED', opinion: 'object', reasons: '涉及商业秘密', repliedOn: '2026-03-10' });
  const details = { ...NO_ANSWER_DETAILS, publicInterest: '项目使用财政资金，公众知情利益重大' };
  const answered = step(objected, '2026-03-12', { type: 'ANSWER', disposition: 'disclosed', text: '现向您提供合同全文。', ...details } as ClientEvent);
  const text = render({ kind: 'third_party_notice', decision: answered, on: '2026-03-12', payload: { disposition: 'disclosed', publicInterest: details.publicInterest } });
  t.match(text, /^政府信息公开告知书（致第三方）雨发改依申〔2026〕1号示例某建设有限公司：/);
  t.match(text, /贵方于2026年3月10日提出不同意公开的意见，理由为：涉及商业秘密/);
  t.match(text, /不公开可能对公共利益造成重大影响，理由如下：项目使用财政资金，公众知情利益重大/);
  t.match(text, /第三十二条的规定，本机关决定公开上述政府信息/);
  t.match(text, /如对本决定不服，可以自收到本告知书之日起60日内依法向示例市示范区人民政府申请行政复议，或者在6个月内依法向示例市示范区人民法院提起行政诉讼。/);
});

t.test('docs/statute.md §6b states the remedies the letters give', async (t) => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../docs/statute.md', import.meta.url), 'utf8');
  const table = doc
    .slice(doc.indexOf('## 6b.'), doc.indexOf('## 6c.'))
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| letter'));
  const KEYWORDS: [RegExp, string][] = [
    [/^none/, 'none'],
    [/^review first for the withheld part/, 'partial'],
    [/^review first/, 'review_first'],
    [/^review only/, 'review_only'],
    [/^review or suit, "如对本决定不服"/, 'third_party'],
    [/^review or suit/, 'review_or_suit'],
  ];
  const seen = new Set<string>();
  for (const line of table) {
    const [, what, clause] = line.split('|').map((c) => c.trim());
    const remedy = KEYWORDS.find(([re]) => re.test(clause!))?.[1];
    t.ok(remedy, `a remedy named in: ${clause}`);
    for (const [, code] of what!.matchAll(/`([a-z_*]+)`/g)) {
      const codes = code!.endsWith('*') ? DISPOSITION_CODES.filter((d) => d.startsWith(code!.slice(0, -1))) : [code!];
      for (const c of codes) {
        seen.add(c);
        const actual = (DISPOSITION_CODES as string[]).includes(c) ? remedyOf({ kind: 'answer', disposition: c as Disposition }) : remedyOf({ kind: c as LetterKind });
        t.equal(actual, remedy, `${c}: ${remedy}`);
      }
    }
  }
  // A 更正/撤销告知书 takes the remedy of the letter it corrects: an answer's by its code, an interim letter's none.
  const corrections: LetterKind[] = ['letter_correction', 'letter_revocation'];
  for (const kind of corrections) {
    t.equal(remedyOf({ kind, original: 'answer', disposition: 'withheld_state_secret' }), 'review_first', `${kind} of a withholding answer: review first`);
    t.equal(remedyOf({ kind, original: 'correction_notice' }), 'none', `${kind} of an interim letter: none`);
  }
  const kinds = (Object.keys(LETTER_TITLES) as LetterKind[]).filter((k) => k !== 'answer' && !corrections.includes(k));
  const answerable = DISPOSITION_CODES.filter((d) => d !== 'other_no_correction' && d !== 'other_fee_unpaid');
  t.same(
    [...kinds, ...answerable].filter((c) => !seen.has(c)),
    [],
    'every letter kind and answer code is in the table',
  );
});
