import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ERRORS } from '../http/openapi.js';
import { agencySummarySchema } from './agencies.schemas.js';
import type { AppContext } from '../context.js';
import { listAgencies, type AgencyRow } from './agencies.repository.js';

export function agencySummary(a: AgencyRow) {
  return {
    slug: a.slug,
    code: a.code,
    name: a.name,
    kind: a.kind,
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
  const schema = { tags: ['public'], summary: 'The agencies that take applications', response: { 200: z.array(agencySummarySchema), ...ERRORS } };
  app.get('/api/agencies', { schema }, async () => (await listAgencies(ctx.db)).map(agencySummary));
}
