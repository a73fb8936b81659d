import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { validationFailed } from '../common/errors.js';
import { ERRORS } from '../http/openapi.js';
import { agencySummarySchema } from './agencies.schemas.js';
import type { AppContext } from '../context.js';
import { listAgencies, type AgencyRow } from './agencies.repository.js';
import type { JurisdictionTree } from '../jurisdictions/jurisdictions.js';

export function agencySummary(a: AgencyRow, tree: JurisdictionTree, slugs: Map<number, string>) {
  const jurisdiction = tree.byId(a.jurisdictionId);
  return {
    slug: a.slug,
    code: a.code,
    name: a.name,
    kind: a.kind,
    jurisdiction: { code: jurisdiction?.code ?? '', name: jurisdiction?.name ?? '' },
    parent: a.parentAgencyId ? (slugs.get(a.parentAgencyId) ?? null) : null,
    officeName: a.officeName,
    address: a.address,
    postcode: a.postcode,
    officeHours: a.officeHours,
    phone: a.phone,
    fax: a.fax,
    email: a.email,
    website: a.website,
  };
}

export async function agencyRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const schema = {
    tags: ['public'],
    summary: 'The agencies that take applications',
    querystring: z.object({ jurisdiction: z.string().optional().describe('a jurisdiction code: its agencies and those of the jurisdictions below it') }),
    response: { 200: z.array(agencySummarySchema), ...ERRORS },
  };
  app.get<{ Querystring: { jurisdiction?: string } }>('/api/agencies', { schema }, async (request) => {
    const [agencies, tree] = await Promise.all([listAgencies(ctx.db), ctx.jurisdictions.current()]);
    const code = request.query.jurisdiction?.trim();
    const within = code ? tree.byCode(code) : undefined;
    if (code && !within) throw validationFailed({ jurisdiction: '没有这个行政区划' });
    const slugs = new Map(agencies.map((a) => [a.id, a.slug]));
    return agencies.filter((a) => !within || tree.within(a.jurisdictionId, within.id)).map((a) => agencySummary(a, tree, slugs));
  });
}
