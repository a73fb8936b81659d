import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { jurisdictionSchema } from '../agencies/agencies.schemas.js';
import { staffOnly } from '../http/auth.js';
import { ERRORS, STAFF } from '../http/openapi.js';
import { changeJurisdiction, createJurisdiction, jurisdictionInput, jurisdictionSummaries } from './jurisdictions.service.js';

export async function jurisdictionRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const admin = staffOnly(ctx, ['admin']);
  const summaryOf = async (code: string) => jurisdictionSummaries(await ctx.jurisdictions.current()).find((j) => j.code === code)!;
  app.get(
    '/api/jurisdictions',
    { schema: { tags: ['public'], summary: 'The governments the installation serves, parents first', response: { 200: z.array(jurisdictionSchema), ...ERRORS } } },
    async () => jurisdictionSummaries(await ctx.jurisdictions.current()),
  );
  app.post(
    '/api/jurisdictions',
    {
      schema: {
        tags: ['admin'],
        security: STAFF,
        summary: 'Add a jurisdiction (installation administrators)',
        body: jurisdictionInput,
        response: { 201: jurisdictionSchema, ...ERRORS },
      },
      preHandler: admin,
    },
    async (request, reply) => reply.status(201).send(await summaryOf((await createJurisdiction(ctx, request.body)).code)),
  );
  app.put<{ Params: { code: string } }>(
    '/api/jurisdictions/:code',
    {
      schema: {
        tags: ['admin'],
        security: STAFF,
        summary: 'Rename or move a jurisdiction, or change its portal title, mail footer, address or host name; its code stays',
        params: z.object({ code: z.string() }),
        body: jurisdictionInput.omit({ code: true }),
        response: { 200: jurisdictionSchema, ...ERRORS },
      },
      preHandler: admin,
    },
    async (request) => {
      await changeJurisdiction(ctx, request.params.code, request.body);
      return summaryOf(request.params.code);
    },
  );
}
