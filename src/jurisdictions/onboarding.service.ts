// Bringing a government in (issue 32 item 5): its agencies (with the contact details their guides
// start from) and its staff, from a spreadsheet and back. Every row is checked before anything is
// written; one bad row refuses the file with each row's problem, and nothing is half-imported.
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError, validationFailed } from '../common/errors.js';
import { EMAIL_MESSAGE, isEmailAddress } from '../common/email.js';
import { readRows, xlsxOf, type Sheet } from '../common/spreadsheets.js';
import { listAgencies, type AgencyRow } from '../agencies/agencies.repository.js';
import { insertAgencyWithGuide, newAgencyRow } from '../agencies/agencies.service.js';
import { findStaffByEmail, insertStaff, listStaff } from '../staff/staff.repository.js';
import { generatePassword, hashPassword } from '../staff/passwords.js';
import type { Principal } from '../staff/principal.js';

/** The agency sheet's columns: header → the field of POST /admin/agencies. */
const AGENCY_COLUMNS: [string, string][] = [
  ['行政区划代码', 'jurisdiction'],
  ['网址标识', 'slug'],
  ['申请编号前缀', 'code'],
  ['机关全称', 'name'],
  ['文号简称', 'shortName'],
  ['机关类型', 'kind'],
  ['上级机关标识', 'parentAgency'],
  ['政府信息公开工作机构', 'officeName'],
  ['办公地址', 'address'],
  ['邮政编码', 'postcode'],
  ['办公时间', 'officeHours'],
  ['联系电话', 'phone'],
  ['传真号码', 'fax'],
  ['电子邮箱', 'email'],
  ['网站', 'website'],
  ['行政复议机关', 'reviewBody'],
  ['行政诉讼管辖法院', 'court'],
];
const KINDS: Record<string, string> = { 政府工作部门: 'department', 部门: 'department', '人民政府（办公室）': 'government', 人民政府: 'government', 政府: 'government' };
const KIND_NAMES: Record<AgencyRow['kind'], string> = { department: '政府工作部门', government: '人民政府（办公室）' };

const STAFF_COLUMNS: [string, string][] = [
  ['电子邮箱', 'email'],
  ['姓名', 'name'],
  ['角色', 'role'],
  ['所属机关标识', 'agency'],
  ['所属行政区划代码', 'jurisdiction'],
];
const ROLES: Record<string, 'clerk' | 'supervisor' | 'overseer'> = { 办理人员: 'clerk', 负责人: 'supervisor', 政务公开办: 'overseer' };
const ROLE_NAMES: Record<string, string> = { clerk: '办理人员', supervisor: '负责人', overseer: '政务公开办', admin: '系统管理员' };
const staffRow = z.object({
  email: z.string().trim().toLowerCase().max(254).refine(isEmailAddress, EMAIL_MESSAGE),
  name: z.string().trim().min(1, '请填写').max(50),
  role: z.enum(['clerk', 'supervisor', 'overseer'], { error: '角色为 办理人员、负责人 或 政务公开办' }),
  agency: z.string().trim().optional(),
  jurisdiction: z.string().trim().optional(),
});

const fieldsOf = (cells: Record<string, string>, columns: [string, string][]) =>
  Object.fromEntries(columns.map(([header, field]) => [field, cells[header] ?? '']).filter(([, v]) => v !== ''));

/** The workbook of a jurisdiction's agencies and staff (or everyone's); with no rows, the template to fill in. */
export async function onboardingWorkbook(ctx: AppContext, options: { template: boolean }): Promise<Buffer> {
  const [agencies, staff, tree] = options.template
    ? [[], [], await ctx.jurisdictions.current()]
    : await Promise.all([listAgencies(ctx.db), listStaff(ctx.db), ctx.jurisdictions.current()]);
  const slugOf = new Map(agencies.map((a) => [a.id, a.slug]));
  const sheets: Sheet[] = [
    {
      name: '机关',
      columns: AGENCY_COLUMNS.map(([header]) => ({ header })),
      rows: agencies.map((a) => [
        tree.byId(a.jurisdictionId)?.code ?? '',
        a.slug,
        a.code,
        a.name,
        a.shortName,
        KIND_NAMES[a.kind],
        a.parentAgencyId ? (slugOf.get(a.parentAgencyId) ?? '') : '',
        a.officeName,
        a.address,
        a.postcode,
        a.officeHours,
        a.phone,
        a.fax,
        a.email,
        a.website,
        a.reviewBody,
        a.court,
      ]),
    },
    {
      name: '工作人员',
      columns: STAFF_COLUMNS.map(([header]) => ({ header })),
      rows: staff
        .filter((s) => s.role !== 'admin' && !s.disabledAt)
        .map((s) => [s.email, s.name, ROLE_NAMES[s.role] ?? s.role, s.agencySlug ?? '', s.jurisdictionId ? (tree.byId(s.jurisdictionId)?.code ?? '') : '']),
    },
    {
      name: '说明',
      columns: [{ header: '填写说明', width: 100 }],
      rows: [
        ['“机关”表每行一个机关。行政区划代码见“管理 → 行政区划”；网址标识（2至20位小写字母、数字或连字符）和申请编号前缀（2至8位大写字母）在全平台唯一，创建后不可更改。'],
        ['机关类型填“政府工作部门”或“人民政府（办公室）”。直属单位在“上级机关标识”填所属部门的网址标识（可以是本表前面的行）。'],
        ['行政复议机关、行政诉讼管辖法院可以留空：按层级确定（行政复议法第二十四条）；市级以上机关的法院须填写。工作机构和联系方式写入各机关公开指南的草稿，发布前请核对。'],
        ['“工作人员”表每行一个账号。角色填“办理人员”“负责人”或“政务公开办”；办理人员和负责人填所属机关标识，政务公开办填所属行政区划代码。'],
        ['初始密码由系统生成，导入后只显示一次；首次登录须修改密码。已有账号的邮箱不能再导入。'],
        ['任何一行有误时整份文件不导入，并列出每行的问题；改正后重新上传即可。'],
      ],
    },
  ];
  return xlsxOf(sheets);
}

export type ImportResult = { agencies: string[]; accounts: { email: string; name: string; password: string }[] };

/** Imports the agencies and staff of a filled-in workbook (or CSV of agencies), all or nothing. */
export async function importOnboarding(ctx: AppContext, principal: Principal, file: Buffer): Promise<ImportResult> {
  const agencyRows = await readRows(file, '机关');
  // A CSV holds agencies only; a workbook may hold both sheets.
  const staffRows = file.subarray(0, 2).toString() === 'PK' ? await readRows(file, '工作人员', false) : [];
  const problems: Record<string, string> = {};
  const problem = (sheet: string, line: number, err: unknown, header?: (field: string) => string | undefined) => {
    if (!(err instanceof AppError)) throw err;
    const fields = err.details.fields ?? { _: err.message };
    for (const [field, message] of Object.entries(fields)) problems[`${sheet}第${line}行${header?.(field) ? ` ${header(field)}` : ''}`] = message;
  };
  const agencyHeader = (field: string) => AGENCY_COLUMNS.find(([, f]) => f === field)?.[0];

  // The agencies: each checked as the form would, and against the stored ones and the rows above it.
  const existing = await listAgencies(ctx.db, { includeRetired: true });
  const bySlug = new Map<string, { jurisdictionId: number }>(existing.map((a) => [a.slug, a]));
  const codes = new Set(existing.map((a) => a.code));
  const checked: Awaited<ReturnType<typeof newAgencyRow>>[] = [];
  for (const { line, cells } of agencyRows) {
    const input = fieldsOf(cells, AGENCY_COLUMNS);
    if (input.kind) input.kind = KINDS[input.kind] ?? input.kind;
    // Taken identifiers are named beside whatever else is wrong with the row.
    const taken = {
      ...(input.slug && bySlug.has(input.slug.trim().toLowerCase()) ? { slug: '该标识已被使用' } : {}),
      ...(input.code && codes.has(input.code.trim().toUpperCase()) ? { code: '该编号前缀已被使用' } : {}),
    };
    try {
      const row = await newAgencyRow(ctx, input, async (slug) => bySlug.get(slug.toLowerCase()) ?? null);
      if (Object.keys(taken).length) throw validationFailed(taken);
      bySlug.set(row.values.slug, { jurisdictionId: row.values.jurisdictionId });
      codes.add(row.values.code);
      checked.push(row);
    } catch (err) {
      if (err instanceof AppError && err.details.fields) err.details.fields = { ...err.details.fields, ...taken };
      problem('“机关”表', line, err, agencyHeader);
    }
  }

  // The accounts: an agency of the installation or of this file; an office's jurisdiction.
  const tree = await ctx.jurisdictions.current();
  const emails = new Set<string>();
  const people: (z.output<typeof staffRow> & { jurisdictionId: number | null })[] = [];
  for (const { line, cells } of staffRows) {
    const input = fieldsOf(cells, STAFF_COLUMNS);
    if (input.role) input.role = ROLES[input.role] ?? input.role;
    const r = staffRow.safeParse(input);
    if (!r.success) {
      for (const issue of r.error.issues) problems[`“工作人员”表第${line}行 ${STAFF_COLUMNS.find(([, f]) => f === issue.path[0])?.[0] ?? ''}`] = issue.message;
      continue;
    }
    const p = r.data;
    const where = `“工作人员”表第${line}行`;
    if (emails.has(p.email) || (await findStaffByEmail(ctx.db, p.email))) problems[`${where} 电子邮箱`] = '该邮箱已有账号';
    emails.add(p.email);
    const j = p.jurisdiction ? tree.byCode(p.jurisdiction) : undefined;
    if (p.role === 'overseer' && !j) problems[`${where} 所属行政区划代码`] = '政务公开办须填写所属行政区划代码';
    if (p.role !== 'overseer' && (!p.agency || !bySlug.has(p.agency.toLowerCase()))) problems[`${where} 所属机关标识`] = '办理人员和负责人须填写本平台或本表中的机关标识';
    people.push({ ...p, jurisdictionId: p.role === 'overseer' ? (j?.id ?? null) : null });
  }
  if (!agencyRows.length && !staffRows.length) throw validationFailed({ file: '文件中没有要导入的行' });
  if (Object.keys(problems).length) throw validationFailed(problems, `文件有 ${Object.keys(problems).length} 处问题，未导入任何内容`);

  const accounts = await Promise.all(people.map(async (p) => ({ ...p, password: generatePassword() })));
  const hashes = await Promise.all(accounts.map((a) => hashPassword(a.password, ctx.config.passwordHashCost)));
  await ctx.db.transaction(async (tx) => {
    const ids = new Map(existing.map((a) => [a.slug, a.id]));
    for (const row of checked) {
      const stored = await insertAgencyWithGuide(tx, ctx, row, row.parentSlug ? (ids.get(row.parentSlug.toLowerCase()) ?? null) : null, principal.id);
      ids.set(stored.slug, stored.id);
    }
    for (const [i, a] of accounts.entries()) {
      await insertStaff(tx, {
        email: a.email,
        name: a.name,
        role: a.role,
        agencyId: a.role === 'overseer' ? null : ids.get(a.agency!.toLowerCase())!,
        jurisdictionId: a.jurisdictionId,
        passwordHash: hashes[i]!,
        passwordChangeRequired: true,
      });
    }
  });
  await ctx.jurisdictions.reload();
  return { agencies: checked.map((r) => r.values.name), accounts: accounts.map((a) => ({ email: a.email, name: a.name, password: a.password })) };
}
