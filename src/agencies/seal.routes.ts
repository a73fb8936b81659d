// The agency's seal, uploaded by an administrator (API and the agency's administration page). It is
// printed on the agency's issued letters only; no seal ships with the demo data.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { validationFailed } from '../common/errors.js';
import { staffOnly, staffPage } from '../http/auth.js';
import { readBody, readForm } from '../http/multipart.js';
import { ERRORS, STAFF } from '../http/openapi.js';
import { redirectWithNotice, refusalOf, refusalText } from '../http/views.js';
import type { Upload } from '../requests/attachments.js';
import { setAgencySeal } from './agencies.service.js';

type Slug = { Params: { slug: string } };
const params = z.object({ slug: z.string() });
const SCHEMAS = {
  put: {
    tags: ['agencies'],
    security: STAFF,
    summary: 'Set the agency’s seal (administrators): multipart, a PNG in `seal`',
    consumes: ['multipart/form-data'],
    params,
    response: { 204: z.null(), ...ERRORS },
  },
  remove: { tags: ['agencies'], security: STAFF, summary: 'Remove the agency’s seal (administrators)', params, response: { 204: z.null(), ...ERRORS } },
};

async function sealOf(uploads: Upload[]): Promise<Buffer> {
  if (uploads.length !== 1) throw validationFailed({ seal: '请选择一个印章图片文件（PNG）' });
  return readFile(uploads[0]!.path);
}

export async function sealRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const admin = staffOnly(ctx, ['admin']);
  app.post<Slug>('/api/agencies/:slug/seal', { schema: SCHEMAS.put, preHandler: admin }, async (request, reply) => {
    const { uploads } = await readBody(ctx, request, 'seal');
    await setAgencySeal(ctx, request.params.slug, await sealOf(uploads));
    return reply.status(204).send(null);
  });
  app.delete<Slug>('/api/agencies/:slug/seal', { schema: SCHEMAS.remove, preHandler: admin }, async (request, reply) => {
    await setAgencySeal(ctx, request.params.slug, null);
    return reply.status(204).send(null);
  });

  // Multipart: the CSRF token comes in the query string.
  const page = { preHandler: [staffPage(ctx, ['admin']), app.csrfProtection] };
  app.post<Slug>('/admin/agencies/:slug/seal', page, async (request, reply) => {
    try {
      const { fields, uploads, refused } = await readForm(ctx, request, 'seal');
      if (refused) throw refused;
      const remove = (fields as Record<string, unknown>).remove === '1';
      await setAgencySeal(ctx, request.params.slug, remove ? null : await sealOf(uploads));
      return redirectWithNotice(reply, `/admin/agencies/${encodeURIComponent(request.params.slug)}`, 'saved');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return reply.status(status).page('error', { title: '印章未保存', message: refusalText(body) });
    }
  });
}
