// The texts a new guide starts from (the district document's item 十九 lists what a guide must say);
// administrators edit them per agency before publishing.
import type { AgencyRow } from '../agencies/agencies.repository.js';
import type { GuideData } from '../db/schema.js';
import type { JurisdictionRow } from '../jurisdictions/jurisdictions.js';

/** Until the agency states its own channel: how a 非税收入 fee is commonly paid. */
export const PAYMENT_INSTRUCTIONS =
  '需要缴纳信息处理费的，本机关在收费通知书中写明缴款码。申请人可以通过政府非税收入缴费平台（扫描或输入缴款码）缴纳，也可以在办公时间到本机关办公地点缴纳。缴费后请保留缴费凭证。';

export function defaultGuide(
  agency: Pick<AgencyRow, 'name' | 'officeName' | 'address' | 'postcode' | 'officeHours' | 'phone' | 'fax' | 'email' | 'website' | 'reviewBody' | 'court'>,
  jurisdiction: Pick<JurisdictionRow, 'name'>,
): GuideData {
  return {
    officeName: agency.officeName,
    address: agency.address,
    postcode: agency.postcode,
    officeHours: agency.officeHours,
    phone: agency.phone,
    fax: agency.fax,
    email: agency.email,
    website: agency.website,
    classification: `${agency.name}的政府信息按照机构职能、政策文件、规划计划、财政预决算、行政许可与行政执法、公共服务事项、重点领域信息等类别编排，并按照发布时间排列。`,
    proactiveChannels: `主动公开的政府信息在${jurisdiction.name}人民政府门户网站“政府信息公开”专栏发布，也可以在${jurisdiction.name}政务服务中心政府信息查阅点、档案馆和公共图书馆查阅。`,
    envelopeMarking: '通过邮寄提出申请的，请在信封左下角注明“政府信息公开申请”字样。',
    reviewBody: agency.reviewBody,
    court: agency.court,
    paymentInstructions: PAYMENT_INSTRUCTIONS,
    reviewOnline: '',
    serviceCommitments:
      '能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内答复。对有阅读困难或者视听障碍的申请人提供必要的帮助（条例第四十三条），口头提出申请的由工作人员代为填写。不收取除信息处理费以外的任何费用。',
  };
}

export const GUIDE_FIELDS: { key: keyof GuideData; label: string; multiline?: boolean; optional?: boolean }[] = [
  { key: 'officeName', label: '政府信息公开工作机构名称' },
  { key: 'address', label: '办公地址' },
  { key: 'postcode', label: '邮政编码' },
  { key: 'officeHours', label: '办公时间' },
  { key: 'phone', label: '联系电话' },
  { key: 'fax', label: '传真号码' },
  { key: 'email', label: '电子邮箱' },
  { key: 'website', label: '网站' },
  { key: 'classification', label: '政府信息的分类与编排', multiline: true },
  { key: 'proactiveChannels', label: '主动公开信息的获取方式', multiline: true },
  { key: 'envelopeMarking', label: '邮寄申请的信封标注', multiline: true },
  { key: 'reviewBody', label: '行政复议机关' },
  { key: 'court', label: '行政诉讼管辖法院' },
  { key: 'reviewOnline', label: '行政复议机关在线受理申请的网址（选填；电子送达的文书将照此告知，行政复议法第二十二条）', optional: true },
  { key: 'serviceCommitments', label: '服务承诺', multiline: true },
  { key: 'paymentInstructions', label: '信息处理费的缴纳方式（收费通知和查询页面将照此告知申请人）', multiline: true },
];
