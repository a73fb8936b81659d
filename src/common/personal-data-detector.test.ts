import t from 'tap';
import { findPersonalData } from './personal-data-detector.js';

const kinds = (text: string) => findPersonalData(text).map((f) => f.kind);

t.test('identity numbers of anyone, however written, with a valid check character', async (t) => {
  t.same(kinds('李四的身份证号码为11010519491231002X。'), ['resident_id']);
  t.same(kinds('证件号 110105 1949 1231 002X'), ['resident_id'], 'spaced out');
  t.same(kinds('证件号１１０１０５１９４９１２３１００２Ｘ'), ['resident_id'], 'in full-width digits');
  t.same(kinds('证件号110105-19491231-002x'), ['resident_id'], 'with hyphens, lower-case x');
  t.same(kinds('编号11010519491231002Y'), [], 'not an identity number');
  t.same(kinds('编号110105194912310021'), [], 'a wrong check character');
  t.same(kinds('合同编号110105194913310028'), [], 'no such birth date');
});

t.test('mobile numbers and e-mail addresses', async (t) => {
  t.same(kinds('联系电话：138 0013 8000'), ['mobile']);
  t.same(kinds('联系电话：１３８－００１３－８０００'), ['mobile'], 'full-width with full-width hyphens');
  t.same(kinds('+86 138.0013.8000'), ['mobile']);
  t.same(kinds('固定资产编号2138001380001'), [], 'part of a longer number');
  t.same(kinds('邮箱 li.si@example.com 或 ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ'), ['email', 'email']);
});

t.test('each finding says where it is in the text as given', async (t) => {
  const text = '第一段。\n李四电话 １３８ ００１３ ８０００，请联系。';
  const [finding] = findPersonalData(text);
  t.equal(text.slice(finding!.index, finding!.index + finding!.length), '１３８ ００１３ ８０００');
  t.match(finding!.excerpt, /李四电话 １３８ ００１３ ８０００，请联系。/);
  t.same(findPersonalData('2025年度区级部门预算公开情况汇总表，共计3,456,789元。'), [], 'amounts and years are no personal data');
});

t.test('fixed phone numbers with their area code, however written', async (t) => {
  t.same(kinds('电话０７３１－５８５８１２３４'), ['landline'], 'full-width, with a hyphen');
  t.same(kinds('电话 (0731) 5858 1234'), ['landline'], 'the code in brackets, spaced out');
  t.same(kinds('北京 010-12345678'.replace('12345678', '62345678')), ['landline']);
  t.same(kinds('2025年度预算3,456,789元，文号湘政发〔2025〕12号'), [], 'amounts and document numbers are not');
  t.same(kinds('身份证11010519491231002X'), ['resident_id'], 'no fixed number inside an identity number');
});
