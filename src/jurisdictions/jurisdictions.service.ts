// The jurisdictions as the running service reads them: a tree kept in memory for a few seconds (every
// page's header and every mail needs it; administrators change it rarely), and the administrators'
// acts that change it.
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/client.js';
import { uniqueViolation } from '../db/client.js';
import { notFound, validationFailed } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { insertJurisdiction, listAgencyJurisdictions, listJurisdictions, updateJurisdiction } from './jurisdictions.repository.js';
import { INSTALLATION_TITLE, JurisdictionTree, LEVELS, type JurisdictionRow } from './jurisdictions.js';

/**
 * The tree (and which agencies sit where) as this instance knows it. Read once at start (`reload`,
 * before any request) and after this instance changes it or adds agencies; another instance's change
 * shows within `maxAgeMs`. `current()` never waits for the database once a tree is known: it is
 * called inside transactions (a mail's footer, a letter's address), and on the embedded database a
 * read outside the transaction would wait for it to end.
 */
export type JurisdictionDirectory = { current(): Promise<JurisdictionTree>; reload(): Promise<JurisdictionTree> };

export function jurisdictionDirectory(db: Executor, maxAgeMs = 10_000, now: () => number = Date.now): JurisdictionDirectory {
  let known: { at: number; tree: JurisdictionTree } | null = null;
  let reading: Promise<JurisdictionTree> | null = null;
  const reload = () =>
    (reading ??= Promise.all([listJurisdictions(db), listAgencyJurisdictions(db)])
      .then(([rows, agencies]) => {
        known = { at: now(), tree: new JurisdictionTree(rows, agencies) };
        return known.tree;
      })
      .finally(() => {
        reading = null;
      }));
  return {
    async current() {
      if (!known) return reload();
      // Stale: served as it is while it is read again (a failed read keeps the tree known).
      if (now() - known.at > maxAgeMs) reload().catch(() => undefined);
      return known.tree;
    },
    reload,
  };
}

/** What a page's header names: the jurisdiction the address is for (its host name or /j/<code>), else the only one at the top. */
export type Site = { title: string; home: string; code: string | null };

export function siteOf(tree: JurisdictionTree, host: string | undefined, url: string): Site {
  const fromPath = /^\/j\/([0-9]{6,12})(?:[/?]|$)/.exec(url)?.[1];
  const byHost = host ? tree.byHost(host) : undefined;
  const chosen = (fromPath && tree.byCode(fromPath)) || byHost;
  if (chosen) return { title: chosen.portalTitle, home: byHost?.id === chosen.id ? '/' : `/j/${chosen.code}`, code: chosen.code };
  const root = tree.root();
  return { title: root?.portalTitle ?? INSTALLATION_TITLE, home: '/', code: null };
}

const line = (max: number) => z.string().trim().min(1, '请填写').max(max, `不超过${max}个字`);
const optionalLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `不超过${max}个字`)
    .optional()
    .transform((v) => v || null);
export const jurisdictionInput = z.object({
  code: z
    .string()
    .trim()
    .regex(/^(\d{6}|\d{9}|\d{12})$/, '行政区划代码为6位（县级以上）或9位、12位（乡镇、街道）数字'),
  name: line(60),
  shortName: line(20),
  level: z.enum(['province', 'city', 'county', 'township'], { error: '请选择层级' }),
  parent: optionalLine(12),
  portalTitle: line(60),
  mailFooter: line(200),
  publicUrl: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((v) => (v ?? '').replace(/\/+$/, ''))
    .refine((v) => v === '' || /^https?:\/\/[^/\s]+(\/[^\s]*)?$/.test(v), '网址以 http:// 或 https:// 开头'),
  host: optionalLine(200).refine((v) => v === null || /^[a-z0-9.-]+$/i.test(v), '主机名只含字母、数字、点和连字符'),
});
export type JurisdictionInput = z.output<typeof jurisdictionInput>;

/** The row a valid input becomes; its parent must exist and sit at a higher level. */
function rowOf(tree: JurisdictionTree, data: JurisdictionInput, self?: JurisdictionRow) {
  const parent = data.parent ? tree.byCode(data.parent) : undefined;
  if (data.parent && !parent) throw validationFailed({ parent: '没有这个上级行政区划' });
  if (parent && self && tree.within(parent.id, self.id)) throw validationFailed({ parent: '上级不能是它自己或它的下级' });
  if (parent && LEVELS[parent.level].rank >= LEVELS[data.level].rank) throw validationFailed({ parent: '上级行政区划的层级须高于本级' });
  return {
    code: data.code,
    name: data.name,
    shortName: data.shortName,
    level: data.level,
    parentId: parent?.id ?? null,
    portalTitle: data.portalTitle,
    mailFooter: data.mailFooter,
    publicUrl: data.publicUrl,
    host: data.host?.toLowerCase() ?? null,
  };
}

function duplicate(err: unknown): never {
  const constraint = uniqueViolation(err);
  if (constraint !== null) throw validationFailed(constraint.includes('host') ? { host: '该主机名已被使用' } : { code: '该行政区划代码已被使用' });
  throw err;
}

/** An installation administrator adds a jurisdiction. */
export async function createJurisdiction(ctx: AppContext, input: unknown): Promise<JurisdictionRow> {
  const data = parseInput(jurisdictionInput, input);
  const row = rowOf(await ctx.jurisdictions.current(), data);
  try {
    return await insertJurisdiction(ctx.db, { ...row, updatedAt: ctx.clock.now() });
  } catch (err) {
    duplicate(err);
  } finally {
    await ctx.jurisdictions.reload();
    // Pages kept rendered carry the old header (guide pages, home pages).
    ctx.events.emit('jurisdictions.changed');
  }
}

/** Renames or moves a jurisdiction, or changes its portal; its code stays (tracking and letter numbers printed under it never change). */
export async function changeJurisdiction(ctx: AppContext, code: string, input: unknown): Promise<void> {
  const tree = await ctx.jurisdictions.current();
  const self = tree.byCode(code);
  if (!self) throw notFound('jurisdictions.not_found', '没有找到该行政区划');
  const data = parseInput(jurisdictionInput, { ...(input as object), code });
  try {
    await updateJurisdiction(ctx.db, self.id, { ...rowOf(tree, data, self), updatedAt: ctx.clock.now() });
  } catch (err) {
    duplicate(err);
  } finally {
    await ctx.jurisdictions.reload();
    // Pages kept rendered carry the old header (guide pages, home pages).
    ctx.events.emit('jurisdictions.changed');
  }
}

/** GET /api/jurisdictions */
export function jurisdictionSummaries(tree: JurisdictionTree) {
  return tree.rows.map((r) => ({ code: r.code, name: r.name, level: r.level, parent: r.parentId ? (tree.byId(r.parentId)?.code ?? null) : null }));
}

/** The address an agency's mails, letters and verification links use: its jurisdiction's own, or PUBLIC_URL. */
export async function publicUrlOf(ctx: AppContext, agency: { jurisdictionId: number }): Promise<string> {
  return (await ctx.jurisdictions.current()).publicUrl(agency.jurisdictionId, ctx.config.publicUrl);
}
