// Small typed factories for applications.

/** A valid 公民身份号码 (the GB 11643-1999 example). */
export const VALID_RESIDENT_ID = '11010519491231002X';
/** A valid 统一社会信用代码. */
export const VALID_CREDIT_CODE = '91350100M000100Y43';

export function application(overrides: Record<string, unknown> = {}) {
  const { applicant, ...rest } = overrides as { applicant?: Record<string, unknown> };
  return {
    agency: 'fgj',
    applicant: {
      kind: 'person',
      name: '张三',
      idType: 'resident_id',
      idNumber: VALID_RESIDENT_ID,
      phone: '13800138000',
      email: 'zhangsan@example.com',
      address: '湖南省湘潭市雨湖区某路1号',
      ...applicant,
    },
    description: '请公开2026年雨湖区政府投资重大建设项目的审批结果清单',
    documentNumber: '',
    purpose: '了解本社区周边建设项目',
    format: 'electronic',
    delivery: 'email',
    ...rest,
  };
}

export function organizationApplication(overrides: Record<string, unknown> = {}) {
  return application({
    applicant: { kind: 'organization', orgCategory: 'business', name: '湘潭某某科技有限公司', idType: 'credit_code', idNumber: VALID_CREDIT_CODE },
    ...overrides,
  });
}

/** The smallest valid PDF header plus body: enough for content sniffing. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
/** A Windows executable header. */
export const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0')]);
export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** A multipart/form-data body with flattened fields and files. */
export function multipartBody(fields: Record<string, unknown>, files: { field?: string; filename: string; content: Buffer; type?: string }[]) {
  const boundary = `----ogi${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  const flat = (prefix: string, value: unknown): [string, string][] =>
    value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => flat(prefix ? `${prefix}.${k}` : k, v)) : [[prefix, String(value ?? '')]];
  for (const [name, value] of flat('', fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const f of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${f.field ?? 'attachments'}"; filename="${f.filename}"\r\ncontent-type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      f.content,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/**
 * What an answer must state beside its code for the workflow to accept it (src/workflow/rules.ts):
 * reasons for what is withheld (arts. 36(3), 37), the law relied on (art. 36(3)), where to obtain a
 * publication (art. 39(2)), the basis of 其他. Codes that need the case's history (a repeat, an
 * excessive request, unclear after correction) take it in `overrides`.
 */
const ANSWER_DETAILS: Record<string, Record<string, string>> = {
  partially_disclosed: { withheldReasons: '清单中的个人住址属于个人隐私，公开会损害第三方合法权益，不予公开。' },
  withheld_state_secret: { withheldReasons: '该文件经定密为秘密级国家秘密。' },
  withheld_prohibited_by_law: { withheldReasons: '统计调查中获得的能够识别单个统计调查对象的资料，法律禁止公开。', legalBasis: '《中华人民共和国统计法》第三十九条' },
  withheld_security_stability: { withheldReasons: '公开后可能危及公共安全。' },
  withheld_third_party_rights: { withheldReasons: '涉及第三方商业秘密，第三方不同意公开。' },
  withheld_internal_affairs: { withheldReasons: '属于本机关内部工作流程信息。' },
  withheld_process_info: { withheldReasons: '属于尚在讨论中的过程稿。' },
  withheld_enforcement_file: { withheldReasons: '属于行政执法案卷信息。' },
  withheld_administrative_query: { withheldReasons: '属于个人社保缴费查询事项，应通过社保查询渠道办理。' },
  rejected_publication: { howToObtain: '该年鉴由湖南人民出版社出版，可在新华书店购买或到区图书馆查阅。' },
  other: { legalBasis: '《不动产登记暂行条例》第二十七条' },
};

export function answerBody(disposition: string, overrides: Record<string, unknown> = {}) {
  return { type: 'ANSWER', disposition, text: '经审查，现就所申请的政府信息答复如下。', ...ANSWER_DETAILS[disposition], ...overrides };
}

/** A jurisdiction the demo data set does not have: 湘潭县, under 湘潭市 (POST /api/jurisdictions). */
export const XIANGTAN_COUNTY = {
  code: '430321',
  name: '湘潭县',
  shortName: '湘潭县',
  level: 'county',
  parent: '430300',
  portalTitle: '湘潭县政府信息公开申请平台',
  mailFooter: '本邮件由湘潭县政府信息公开申请平台自动发送。',
};
