// The governments an installation serves, as a tree (province → city → district/county →
// township/street): which agencies a jurisdiction's portal, reports and OGI office cover, and the
// names its pages and mails carry. Pure: built from rows, no I/O (docs/jurisdictions.md).
import type { jurisdictions } from '../db/schema.js';

export type JurisdictionRow = typeof jurisdictions.$inferSelect;
export type JurisdictionLevel = JurisdictionRow['level'];

export const LEVELS: Record<JurisdictionLevel, { label: string; rank: number }> = {
  province: { label: '省级', rank: 1 },
  city: { label: '市级', rank: 2 },
  county: { label: '县级', rank: 3 },
  township: { label: '乡镇（街道）', rank: 4 },
};

/** What the portal's header says where no one jurisdiction is meant (several served, none chosen). */
export const INSTALLATION_TITLE = '政府信息公开申请平台';

export class JurisdictionTree {
  readonly rows: JurisdictionRow[];
  private readonly byIdMap: Map<number, JurisdictionRow>;
  private readonly byCodeMap: Map<string, JurisdictionRow>;

  /** Each agency's jurisdiction (retired agencies included): which agencies a jurisdiction's office and reports cover. */
  private readonly agencyJurisdiction: Map<number, number>;

  constructor(rows: JurisdictionRow[], agencies: { id: number; jurisdictionId: number }[] = []) {
    this.agencyJurisdiction = new Map(agencies.map((a) => [a.id, a.jurisdictionId]));
    this.byIdMap = new Map(rows.map((r) => [r.id, r]));
    this.byCodeMap = new Map(rows.map((r) => [r.code, r]));
    // Parents before children, siblings by code: the order the portal lists them in.
    const depth = (r: JurisdictionRow): number => (r.parentId && this.byIdMap.has(r.parentId) ? 1 + depth(this.byIdMap.get(r.parentId)!) : 0);
    const path = (r: JurisdictionRow): string => (r.parentId && this.byIdMap.has(r.parentId) ? `${path(this.byIdMap.get(r.parentId)!)}/${r.code}` : r.code);
    this.rows = [...rows].sort((a, b) => path(a).localeCompare(path(b)) || depth(a) - depth(b));
  }

  byId(id: number): JurisdictionRow | undefined {
    return this.byIdMap.get(id);
  }

  byCode(code: string): JurisdictionRow | undefined {
    return this.byCodeMap.get(code);
  }

  byHost(host: string): JurisdictionRow | undefined {
    const name = host.toLowerCase().replace(/:\d+$/, '');
    return this.rows.find((r) => r.host === name);
  }

  children(id: number): JurisdictionRow[] {
    return this.rows.filter((r) => r.parentId === id);
  }

  /** The jurisdiction and every one below it. */
  subtreeIds(id: number): number[] {
    const out: number[] = [];
    const visit = (at: number) => {
      out.push(at);
      for (const child of this.children(at)) visit(child.id);
    };
    visit(id);
    return out;
  }

  /** Whether `id` is `ancestor` or below it. */
  within(id: number, ancestor: number): boolean {
    for (let at: JurisdictionRow | undefined = this.byId(id); at; at = at.parentId ? this.byId(at.parentId) : undefined) {
      if (at.id === ancestor) return true;
    }
    return false;
  }

  /** How deep a jurisdiction sits below the top one served (0: a root). */
  depth(id: number): number {
    const row = this.byId(id);
    return row?.parentId && this.byId(row.parentId) ? 1 + this.depth(row.parentId) : 0;
  }

  /** The agencies of a jurisdiction and of every one below it; undefined when that is every agency there is (no filter needed). */
  agenciesWithin(id: number): number[] | undefined {
    const below = new Set(this.subtreeIds(id));
    const ids = [...this.agencyJurisdiction].filter(([, j]) => below.has(j)).map(([a]) => a);
    return ids.length === this.agencyJurisdiction.size ? undefined : ids;
  }

  /** The one the portal is about when none is chosen: the only root, if there is one. */
  root(): JurisdictionRow | undefined {
    const roots = this.rows.filter((r) => !r.parentId || !this.byId(r.parentId));
    return roots.length === 1 ? roots[0] : undefined;
  }

  /** The address its mails, letters and verification links use: its own, or the installation's. */
  publicUrl(id: number, fallback: string): string {
    const url = this.byId(id)?.publicUrl;
    return url ? url.replace(/\/+$/, '') : fallback;
  }
}

/**
 * Who hears a 行政复议 and which court a suit goes to, when an administrator does not say
 * (docs/statute.md §6): a department is reviewed by the government at its level (行政复议法 2023
 * art. 24(1)(1)); a government by the one above it (art. 24(1)(2)), a province's by itself (art.
 * 25(2)). A county-level body is sued at that county's basic-level court; above that there is no
 * one rule (行政诉讼法 art. 15: the intermediate court for a county-level government or higher, and
 * many cities assign courts centrally), so the court must be entered. A township is sued at its
 * county's basic-level court.
 */
export function defaultRemedyBodies(
  jurisdiction: Pick<JurisdictionRow, 'name' | 'level'>,
  kind: 'government' | 'department',
  parent: Pick<JurisdictionRow, 'name'> | undefined,
): { reviewBody: string | null; court: string | null } {
  const reviewBody =
    kind === 'department' ? `${jurisdiction.name}人民政府` : parent ? `${parent.name}人民政府` : jurisdiction.level === 'province' ? `${jurisdiction.name}人民政府` : null;
  const court =
    jurisdiction.level === 'county' && kind === 'department' ? `${jurisdiction.name}人民法院` : jurisdiction.level === 'township' && parent ? `${parent.name}人民法院` : null;
  return { reviewBody, court };
}
