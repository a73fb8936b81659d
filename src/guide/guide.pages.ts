// The guides: district index, each agency's current guide, earlier versions, and what changed.
import { z } from 'zod';
import { ERRORS } from '../http/openapi.js';
import { guideDocumentSchema } from './guide.schemas.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { validationFailed } from '../common/errors.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { SESSION_COOKIE } from '../http/auth.js';
import { careMode, noticeOf, pageData } from '../http/views.js';
import { MAX_INTEGER } from '../common/validation.js';
import { compareVersions, guideIndex, publishedGuide } from './guide.service.js';

type Slug = { Params: { slug: string } };

function versionNumber(value: unknown, field: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw validationFailed({ [field]: '版本号应为正整数' });
  // Beyond PostgreSQL's integer: no such version (and not a number the database would take).
  return Math.min(n, MAX_INTEGER);
}

// Published guides change rarely and never in place: anonymous visitors get a rendered page kept for
// a few seconds. Publishing here clears it at once; another instance's publication shows within the TTL.
const CACHE_MS = 5000;

export async function guidePages(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const cache = new Map<string, { html: Buffer; until: number }>(); // encoded once, sent many times
  ctx.events.on('guide.published', () => cache.clear());
  ctx.events.on('jurisdictions.changed', () => cache.clear());
  const guideSchema = {
    tags: ['public'],
    summary: "An agency's published 政府信息公开指南 (art. 12)",
    params: z.object({ slug: z.string() }),
    response: { 200: guideDocumentSchema, ...ERRORS },
  };
  app.get('/api/agencies/:slug/guide', { schema: guideSchema }, async (request) => (await publishedGuide(ctx, (request.params as { slug: string }).slug)).document);

  // The guide index: every jurisdiction's, or on a jurisdiction's own address its own and those below it.
  const index = async (request: FastifyRequest, reply: FastifyReply) => {
    const at = request.site?.code ? (await ctx.jurisdictions.current()).byCode(request.site.code) : undefined;
    const groups = (await guideIndex(ctx, at?.id)).map((g) => ({ ...g, agencies: g.agencies.map((a) => ({ ...a, publishedOnText: chineseDate(a.publishedOn) })) }));
    return reply.page('guide-index', { title: at ? `${at.name}政府信息公开指南` : '政府信息公开指南', scopeName: at?.name ?? null, groups });
  };
  app.get('/guide', index);
  app.get('/j/:code/guide', async (request, reply) => (request.site?.code ? index(request, reply) : reply.callNotFound()));

  app.get<Slug & { Querystring: { notice?: string } }>('/guide/:slug', async (request, reply) => {
    const anonymous = !request.cookies[SESSION_COOKIE] && !request.query.notice;
    // Kept per jurisdiction the address is for (its own header; never per raw host name, which a client chooses) and care mode (关怀模式), which change the page.
    const key = `${request.site?.code ?? ''}:${request.site?.home ?? ''}:${request.params.slug}:${careMode(request) ? 'care' : 'plain'}`;
    const hit = anonymous ? cache.get(key) : undefined;
    if (hit && hit.until > Date.now()) return reply.type('text/html; charset=utf-8').header('vary', 'Cookie').send(hit.html);
    const { document, versions } = await publishedGuide(ctx, request.params.slug);
    const model = {
      title: `${document.agency.name}政府信息公开指南`,
      guide: document,
      versions: versionLinks(document.agency.slug, versions),
      isLatest: true,
      notice: noticeOf(request),
    };
    const html = await app.view('pages/guide', pageData(reply, model));
    if (anonymous) cache.set(key, { html: Buffer.from(html), until: Date.now() + CACHE_MS });
    return reply.type('text/html; charset=utf-8').header('vary', 'Cookie').send(html);
  });

  app.get<Slug & { Params: { version: string } }>('/guide/:slug/versions/:version', async (request, reply) => {
    const { document, versions, isLatest } = await publishedGuide(ctx, request.params.slug, versionNumber(request.params.version, 'version'));
    return reply.page('guide', {
      title: `${document.agency.name}政府信息公开指南（第${document.version}版）`,
      guide: document,
      versions: versionLinks(document.agency.slug, versions),
      isLatest,
    });
  });

  app.get<Slug & { Querystring: { from?: string; to?: string } }>('/guide/:slug/diff', async (request, reply) => {
    const diff = await compareVersions(ctx, request.params.slug, versionNumber(request.query.from, 'from'), versionNumber(request.query.to, 'to'));
    return reply.page('guide-diff', {
      title: `${diff.agency.name}政府信息公开指南：第${diff.from.version}版与第${diff.to.version}版比较`,
      diff,
      changedCount: diff.fields.filter((f) => f.changed).length,
    });
  });
}

function versionLinks(slug: string, versions: { version: number; publishedOn: string }[]) {
  return versions.map((v, i) => ({
    version: v.version,
    publishedOnText: chineseDate(v.publishedOn),
    url: `/guide/${slug}/versions/${v.version}`,
    diffUrl: i < versions.length - 1 ? `/guide/${slug}/diff?from=${versions[i + 1]!.version}&to=${v.version}` : null,
  }));
}
