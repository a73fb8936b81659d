// Administrators create, rename and retire agencies. Contact details live in the agency's guide
// (published versions), which the agency row mirrors; a new agency starts with a guide draft.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { EMAIL_MESSAGE, isEmailAddress } from '../common/email.js';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/client.js';
import { uniqueViolation } from '../db/client.js';
import { agencies } from '../db/schema.js';
import { notFound, validationFailed } from '../common/errors.js';
import { parseInput, checkbox } from '../common/validation.js';
import type { Principal } from '../staff/principal.js';
import { defaultGuide } from '../guide/guide.defaults.js';
import { saveDraft } from '../guide/guide.repository.js';
import { findAgencyBySlug, saveAgencySeal } from './agencies.repository.js';
import { defaultRemedyBodies } from '../jurisdictions/jurisdictions.js';

const line = (max: number) => z.string().trim().min(1).max(max);
const identity = {
  name: line(100),
  shortName: line(10),
  kind: z.enum(['government', 'department'], { error: '请选择机关类型' }),
};
const createSchema = z.object({
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9-]{1,19}$/, '2至20位小写字母、数字或连字符，以字母开头'),
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2,8}$/, '2至8位大写字母，用作申请编号前缀'),
  ...identity,
  officeName: line(100),
  address: line(200),
  postcode: z
    .string()
    .trim()
    .regex(/^\d{6}$/, '邮政编码为6位数字'),
  officeHours: line(200),
  phone: line(40),
  fax: line(40),
  email: z.string().trim().refine(isEmailAddress, EMAIL_MESSAGE),
  website: line(200),
  /** The jurisdiction's code; may be left out where the installation serves one. */
  jurisdiction: z.string().trim().optional(),
  /** A 直属单位: the department it sits under (its slug). */
  parentAgency: z.string().trim().optional(),
  /** Left empty: derived from the jurisdiction's level where the law gives one answer (jurisdictions/jurisdictions.ts). */
  reviewBody: z.string().trim().max(100).optional(),
  court: z.string().trim().max(100).optional(),
});
/** Art. 17, as the agency organises its review (保密审查 of disclosures; a second signer, 签发 by the 分管领导). */
const updateSchema = z.object({ ...identity, secrecyReview: checkbox('请勾选或不勾选'), secondSigner: checkbox('请勾选或不勾选') });

/** Where a new agency's department (a 直属单位's) is found: among the stored agencies, or an import's earlier rows. */
export type ParentLookup = (slug: string) => Promise<{ jurisdictionId: number } | null>;

/**
 * A new agency's row from its input, checked: its jurisdiction (the only one, where the installation
 * serves one), its department if a 直属单位 (same jurisdiction), its review body and court (by level
 * where left empty). Field messages on a bad input; nothing is written.
 */
export async function newAgencyRow(ctx: AppContext, input: unknown, parentOf: ParentLookup) {
  const { jurisdiction: code, parentAgency, reviewBody, court, ...data } = parseInput(createSchema, input);
  const tree = await ctx.jurisdictions.current();
  const jurisdiction = code ? tree.byCode(code) : tree.rows.length === 1 ? tree.rows[0] : undefined;
  if (!jurisdiction) throw validationFailed({ jurisdiction: code ? '没有这个行政区划' : '请选择所属行政区划' });
  const parent = parentAgency ? await parentOf(parentAgency) : null;
  if (parentAgency && (!parent || parent.jurisdictionId !== jurisdiction.id)) throw validationFailed({ parentAgency: '上级机关须是同一行政区划的机关' });
  const defaults = defaultRemedyBodies(jurisdiction, data.kind, jurisdiction.parentId ? tree.byId(jurisdiction.parentId) : undefined);
  const remedy = { reviewBody: reviewBody || defaults.reviewBody, court: court || defaults.court };
  if (!remedy.reviewBody || !remedy.court)
    throw validationFailed({
      ...(remedy.reviewBody ? {} : { reviewBody: '请填写行政复议机关' }),
      ...(remedy.court ? {} : { court: '请填写行政诉讼管辖法院（该层级没有统一的默认法院）' }),
    });
  return { values: { ...data, reviewBody: remedy.reviewBody, court: remedy.court, jurisdictionId: jurisdiction.id }, jurisdiction, parentSlug: parentAgency || null };
}

/** Stores a checked agency with its guide draft (from its contact details). */
export async function insertAgencyWithGuide(tx: Executor, ctx: AppContext, row: Awaited<ReturnType<typeof newAgencyRow>>, parentAgencyId: number | null, by: number) {
  try {
    const [stored] = await tx
      .insert(agencies)
      .values({ ...row.values, parentAgencyId })
      .returning();
    await saveDraft(tx, { agencyId: stored!.id, data: defaultGuide(stored!, row.jurisdiction), updatedAt: ctx.clock.now(), updatedBy: by });
    return stored!;
  } catch (err) {
    const constraint = uniqueViolation(err);
    if (constraint !== null) throw validationFailed(constraint.includes('code') ? { code: '该编号前缀已被使用' } : { slug: '该标识已被使用' });
    throw err;
  }
}

export async function createAgency(ctx: AppContext, principal: Principal, input: unknown): Promise<string> {
  const row = await newAgencyRow(ctx, input, (slug) => findAgencyBySlug(ctx.db, slug));
  const parent = row.parentSlug ? await findAgencyBySlug(ctx.db, row.parentSlug) : null;
  const slug = await ctx.db.transaction(async (tx) => (await insertAgencyWithGuide(tx, ctx, row, parent?.id ?? null, principal.id)).slug);
  // Its jurisdiction's office sees its cases from now on (on other instances within 10 s).
  await ctx.jurisdictions.reload();
  return slug;
}

export async function updateAgency(ctx: AppContext, slug: string, input: unknown): Promise<void> {
  const data = parseInput(updateSchema, input);
  const agency = await findAgencyBySlug(ctx.db, slug, { includeRetired: true });
  if (!agency) throw notFound('agencies.not_found', '没有找到该机关');
  await ctx.db
    .update(agencies)
    .set({ ...data, updatedAt: ctx.clock.now() })
    .where(eq(agencies.id, agency.id));
}

/** A retired agency takes no new applications and leaves the directory; its cases carry on. */
export async function setAgencyRetired(ctx: AppContext, slug: string, retired: boolean): Promise<void> {
  const agency = await findAgencyBySlug(ctx.db, slug, { includeRetired: true });
  if (!agency) throw notFound('agencies.not_found', '没有找到该机关');
  await ctx.db
    .update(agencies)
    .set({ retiredAt: retired ? ctx.clock.now() : null, updatedAt: ctx.clock.now() })
    .where(eq(agencies.id, agency.id));
}

/** An agency's seal, as a PNG with a transparent background, printed on its issued letters only (documents/letter-pdf.ts). */
export const SEAL_MAX_BYTES = 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Sets (or, with null, removes) the agency's seal image; an administrator's act. */
export async function setAgencySeal(ctx: AppContext, slug: string, png: Buffer | null): Promise<void> {
  const agency = await findAgencyBySlug(ctx.db, slug, { includeRetired: true });
  if (!agency) throw notFound('agencies.not_found', '没有找到该机关');
  if (png && (png.length > SEAL_MAX_BYTES || !png.subarray(0, 8).equals(PNG_SIGNATURE))) {
    throw validationFailed({ seal: `印章图片须为 PNG 格式（透明背景），不超过 ${SEAL_MAX_BYTES / 1024 / 1024} MB` });
  }
  await saveAgencySeal(ctx.db, agency.id, png, ctx.clock.now());
}
