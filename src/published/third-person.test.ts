import t from 'tap';
import { thirdPerson } from './third-person.js';

t.test('an answer is rewritten to speak of the applicant, not to them (art. 44 publication)', async (t) => {
  t.equal(thirdPerson('张三：\n您申请公开的2025年度部门预算，现提供给您。'), '申请人申请公开的2025年度部门预算，现提供给申请人。');
  t.equal(thirdPerson('您好！你们公司申请的信息属于本机关公开范围。'), '申请人公司申请的信息属于本机关公开范围。');
  t.equal(thirdPerson('贵单位申请的文件已于2024年主动公开。'), '申请人申请的文件已于2024年主动公开。');
  t.equal(thirdPerson('经审查，该信息不存在。'), '经审查，该信息不存在。', 'a text without address is left as it is');
});
