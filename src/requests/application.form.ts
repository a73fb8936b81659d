// The application form (art. 29) as a view model: the public /apply page and the clerk's
// registration of a paper application use the same fields.
import type { AgencyRow } from '../agencies/agencies.repository.js';
import type { FieldMessages } from '../common/errors.js';
import { errorList, fieldModel } from '../http/forms.js';
import { RESELECT_FILES, UPLOAD_RULES } from './attachments.js';
import { LIMITS } from './application.schema.js';

export const FIELD_LABELS: Record<string, string> = {
  agency: '受理机关',
  'applicant.kind': '申请人类型',
  'applicant.orgCategory': '组织类别',
  'applicant.name': '姓名或名称',
  'applicant.idType': '证件类型',
  'applicant.idNumber': '证件号码',
  'applicant.phone': '联系电话',
  'applicant.email': '电子邮箱',
  'applicant.address': '通信地址',
  'applicant.smsNotices': '短信通知',
  description: '所需政府信息的内容描述',
  documentNumber: '文件名称或文号',
  purpose: '用途（选填）',
  format: '获取信息的载体形式',
  delivery: '获取信息的方式',
  suggestsPublication: '建议主动公开',
  attachments: '附件',
  channel: '收到申请的渠道',
  receivedOn: '收到申请的日期',
};

export const KIND_OPTIONS = [
  ['person', '公民'],
  ['organization', '法人或者其他组织'],
] as const;
export const ORG_OPTIONS = [
  ['business', '商业企业'],
  ['research', '科研机构'],
  ['public_welfare', '社会公益组织'],
  ['legal_services', '法律服务机构'],
  ['other', '其他组织'],
] as const;
export const ID_TYPE_OPTIONS = [
  ['resident_id', '居民身份证'],
  ['passport', '护照'],
  ['other', '其他身份证件'],
  ['credit_code', '统一社会信用代码（法人或其他组织）'],
] as const;
export const FORMAT_OPTIONS = [
  ['electronic', '电子文档'],
  ['paper', '纸质文本'],
] as const;
export const DELIVERY_OPTIONS = [
  ['online', '在本平台下载'],
  ['email', '电子邮件'],
  ['post', '邮寄'],
  ['pickup', '当面领取'],
] as const;
export const CHANNEL_OPTIONS = [
  ['in_person', '当面提交'],
  ['post', '邮寄（以签收日为收到日）'],
  ['fax', '传真'],
  ['email', '电子邮件'],
  ['oral', '口头申请（由工作人员记录，条例第二十九条）'],
  ['online', '网上（其他平台）'],
] as const;

/** `filesSent`: the refused form came with files, which a browser cannot be given back: ask for them again. */
export function applicationFormModel(args: { values: unknown; errors: FieldMessages; agencies: AgencyRow[]; staff?: boolean; filesSent?: boolean }) {
  const { values, errors } = args;
  const f = (path: string, options?: readonly (readonly [string, string])[], fallback?: string) => fieldModel({ values, errors, path, options, fallback });
  return {
    errors: Object.keys(errors).length ? errors : null,
    errorList: errorList(errors, FIELD_LABELS),
    agency: f(
      'agency',
      args.agencies.map((a) => [a.slug, a.name] as const),
    ),
    kind: f('applicant.kind', KIND_OPTIONS, 'person'),
    orgCategory: f('applicant.orgCategory', ORG_OPTIONS),
    name: f('applicant.name'),
    idType: f('applicant.idType', ID_TYPE_OPTIONS, 'resident_id'),
    idNumber: f('applicant.idNumber'),
    phone: f('applicant.phone'),
    email: f('applicant.email'),
    address: f('applicant.address'),
    smsNotices: ['yes', 'true', 'on'].includes(f('applicant.smsNotices').value),
    description: f('description'),
    documentNumber: f('documentNumber'),
    purpose: f('purpose'),
    format: f('format', FORMAT_OPTIONS, 'electronic'),
    delivery: f('delivery', DELIVERY_OPTIONS, 'online'),
    suggestsPublication: ['yes', 'true', 'on'].includes(f('suggestsPublication').value),
    attachments: {
      ...f('attachments'),
      error: Object.entries(errors).find(([k]) => k === 'attachments' || k.startsWith('attachments.'))?.[1] ?? null,
      help: `可上传身份证明、营业执照等，${UPLOAD_RULES}`,
      reselect: args.filesSent ? RESELECT_FILES : null,
    },
    descriptionLimits: { min: LIMITS.descriptionMin, max: LIMITS.descriptionMax },
    staff: args.staff ?? false,
    channel: f('channel', CHANNEL_OPTIONS, 'in_person'),
    receivedOn: f('receivedOn'),
  };
}
