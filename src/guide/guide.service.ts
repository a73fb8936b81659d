// Each agency's guide: administrators edit a draft, preview it and publish it as a new immutable
// version; the public page shows the latest, earlier versions stay readable with their dates.
import { z } from 'zod';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/client.js';
import type { GuideData } from '../db/schema.js';
import { notFound, validationFailed } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { findAgencyBySlug, listAgencies, type AgencyRow } from '../agencies/agencies.repository.js';
import type { Principal } from '../staff/principal.js';
import { defaultGuide, GUIDE_FIELDS } from './guide.defaults.js';
import { publicUrlOf } from '../jurisdictions/jurisdictions.service.js';
import { GUIDE_EDITION, guideDocument } from './guide.document.js';
import { deleteDraft, findDraft, findVersion, insertVersion, latestPerAgency, latestVersion, listVersions, lockDraft, mirrorContacts, saveDraft } from './guide.repository.js';

const guideSchema = z.object(
  Object.fromEntries(
    GUIDE_FIELDS.map((f) => {
      const text = z
        .string()
        .trim()
        .max(f.multiline ? 4000 : 300);
      return [f.key, f.optional ? text.default('') : text.min(1)];
    }),
  ) as Record<keyof GuideData, z.ZodString>,
);

async function agencyOr404(db: Executor, slug: string, options: { includeRetired?: boolean } = {}): Promise<AgencyRow> {
  const agency = await findAgencyBySlug(db, slug, options);
  if (!agency) throw notFound('agencies.not_found', '没有找到该机关');
  return agency;
}

/** The published guide (the latest, or a given version) as a document. */
export async function publishedGuide(ctx: AppContext, slug: string, version?: number) {
  const agency = await agencyOr404(ctx.db, slug);
  const row = version === undefined ? await latestVersion(ctx.db, agency.id) : await findVersion(ctx.db, agency.id, version);
  if (!row) throw notFound('guide.not_published', `${agency.name}尚未发布政府信息公开指南`);
  const latest = version === undefined ? row : await latestVersion(ctx.db, agency.id);
  return {
    document: guideDocument({
      agency: { slug: agency.slug, name: agency.name },
      data: row.data,
      version: row.version,
      publishedOn: row.publishedOn,
      publicUrl: await publicUrlOf(ctx, agency),
      edition: row.edition,
    }),
    isLatest: latest?.version === row.version,
    versions: await listVersions(ctx.db, agency.id),
  };
}

/** The draft being edited: the saved draft, else the latest published version, else defaults from the agency. */
export async function guideDraft(ctx: AppContext, slug: string) {
  const agency = await agencyOr404(ctx.db, slug, { includeRetired: true });
  const draft = await findDraft(ctx.db, agency.id);
  const latest = await latestVersion(ctx.db, agency.id);
  const data = draft?.data ?? latest?.data ?? defaultGuide(agency, (await ctx.jurisdictions.current()).byId(agency.jurisdictionId)!);
  return { agency, data, hasDraft: Boolean(draft), latestVersion: latest?.version ?? null };
}

export async function saveGuideDraft(ctx: AppContext, principal: Principal, slug: string, input: unknown): Promise<void> {
  const agency = await agencyOr404(ctx.db, slug, { includeRetired: true });
  const data = parseInput(guideSchema, input) as GuideData;
  await saveDraft(ctx.db, { agencyId: agency.id, data, updatedAt: ctx.clock.now(), updatedBy: principal.id });
}

export async function previewGuide(ctx: AppContext, agency: AgencyRow, data: GuideData) {
  return guideDocument({ agency: { slug: agency.slug, name: agency.name }, data, version: 0, publishedOn: today(ctx.clock), publicUrl: await publicUrlOf(ctx, agency) });
}

/** Publishes the draft as the next version; the agency's contact details follow the published guide. */
export async function publishGuide(ctx: AppContext, principal: Principal | null, slug: string): Promise<number> {
  const agency = await agencyOr404(ctx.db, slug, { includeRetired: true });
  return ctx.db
    .transaction(async (tx) => {
      // Locked: a draft saved meanwhile waits and is kept as the next draft, a second publication
      // waits and finds nothing left to publish; neither is lost or published twice.
      const draft = await lockDraft(tx, agency.id);
      if (!draft) throw validationFailed({ _: '没有待发布的草稿，请先编辑并保存' }, '没有待发布的草稿');
      const at = ctx.clock.now();
      const version = await insertVersion(tx, {
        agencyId: agency.id,
        data: draft.data,
        edition: GUIDE_EDITION,
        publishedOn: today(ctx.clock),
        publishedAt: at,
        publishedBy: principal?.id ?? null,
      });
      await mirrorContacts(tx, agency.id, draft.data, at);
      await deleteDraft(tx, agency.id);
      return version.version;
    })
    .then((version) => {
      ctx.events.emit('guide.published', agency.slug);
      return version;
    });
}

/** Field by field: what changed between two published versions. */
export async function compareVersions(ctx: AppContext, slug: string, from: number, to: number) {
  const agency = await agencyOr404(ctx.db, slug);
  const [a, b] = await Promise.all([findVersion(ctx.db, agency.id, from), findVersion(ctx.db, agency.id, to)]);
  if (!a || !b) throw notFound('guide.version_not_found', '没有找到该版本');
  return {
    agency: { slug: agency.slug, name: agency.name },
    from: { version: a.version, publishedOn: a.publishedOn },
    to: { version: b.version, publishedOn: b.publishedOn },
    fields: GUIDE_FIELDS.map((f) => ({ label: f.label, before: a.data[f.key], after: b.data[f.key], changed: a.data[f.key] !== b.data[f.key] })),
  };
}

/** The agencies with the date of their current guide, by jurisdiction (one's and those below it, or all), for the guide index. */
export async function guideIndex(ctx: AppContext, within?: number) {
  const [agencies, latest, tree] = await Promise.all([listAgencies(ctx.db), latestPerAgency(ctx.db), ctx.jurisdictions.current()]);
  const byAgency = new Map(latest.map((l) => [l.agencyId, l]));
  const shown = within === undefined ? tree.rows : tree.rows.filter((j) => tree.within(j.id, within));
  return shown
    .map((j) => ({
      code: j.code,
      name: j.name,
      agencies: agencies
        .filter((a) => a.jurisdictionId === j.id)
        .map((a) => ({ slug: a.slug, name: a.name, version: byAgency.get(a.id)?.version ?? null, publishedOn: byAgency.get(a.id)?.publishedOn ?? null })),
    }))
    .filter((j) => j.agencies.length);
}

/** First start with demo data: every demo agency publishes version 1 of its guide. */
export async function publishDefaultGuides(ctx: AppContext): Promise<void> {
  const tree = await ctx.jurisdictions.current();
  for (const agency of await listAgencies(ctx.db)) {
    if (await latestVersion(ctx.db, agency.id)) continue;
    await saveDraft(ctx.db, { agencyId: agency.id, data: defaultGuide(agency, tree.byId(agency.jurisdictionId)!), updatedAt: ctx.clock.now(), updatedBy: null });
    await publishGuide(ctx, null, agency.slug);
  }
}
