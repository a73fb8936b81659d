// Redaction (art. 37) over HTTP: the contract's POST …/attachments/:id/redactions, the suggestions and
// page images the marking page uses, the working-copy upload, and the desk's marking page itself.
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError } from '../common/errors.js';
import { staffOnly, staffPage } from '../http/auth.js';
import { ERRORS, STAFF, trackingNumberParams } from '../http/openapi.js';
import { readBody, readForm } from '../http/multipart.js';
import { noticeOf, redirectWithNotice, refusalOf, refusalText } from '../http/views.js';
import { redactionGround, REDACTION_GROUNDS } from '../letters/answer.js';
import { addWorkingDocument, redactAttachment, redactionInput, redactionPage, redactionSuggestions } from './redaction.service.js';

const tags = ['cases'];
const params = trackingNumberParams.extend({ id: z.string().describe('the attachment’s id') });
type Params = { Params: { trackingNumber: string; id: string } };
const box = { page: z.number().int(), x: z.number(), y: z.number(), width: z.number(), height: z.number() };

/** The grounds a mark may give, as the marking page offers them. */
export const GROUND_OPTIONS = REDACTION_GROUNDS.map((value) => ({ value, label: redactionGround(value) }));

export async function redactionRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const staff = staffOnly(ctx);
  const page = staffPage(ctx);

  app.post<Params>(
    '/api/cases/:trackingNumber/attachments/:id/redactions',
    {
      schema: {
        tags,
        security: STAFF,
        summary: 'Make a redacted copy of a case’s PDF or image (art. 37): marked areas and every occurrence of the texts gone, each with its ground',
        description:
          'Points from the page’s top left (pixels for an image). `ground`: a withholding disposition code or `not_government_information`. The copy (role `redacted`) is kept beside the original and released with an answer through ANSWER’s `release`.',
        params,
        body: redactionInput,
        response: { 201: z.object({ id: z.string(), url: z.string(), marks: z.number().int().describe('areas removed, texts found included') }), ...ERRORS },
      },
      preHandler: staff,
    },
    async (request, reply) => reply.status(201).send(await redactAttachment(ctx, request.principal!, request.params.trackingNumber, request.params.id, request.body)),
  );

  app.get<Params>(
    '/api/cases/:trackingNumber/attachments/:id/redaction',
    {
      schema: {
        tags,
        security: STAFF,
        summary: 'What to redact: the pages’ sizes and the personal data found in the text layer, proposed as marks',
        params,
        response: {
          200: z.object({
            pages: z.array(z.object({ width: z.number(), height: z.number() })),
            textLayer: z.boolean().describe('false for a scan or an image: mark areas'),
            suggestions: z.array(z.object({ ...box, text: z.string(), kind: z.string() })),
          }),
          ...ERRORS,
        },
      },
      preHandler: staff,
    },
    async (request) => redactionSuggestions(ctx, request.principal!, request.params.trackingNumber, request.params.id),
  );

  app.post<{ Params: { trackingNumber: string } }>(
    '/api/cases/:trackingNumber/attachments',
    {
      schema: {
        tags,
        security: STAFF,
        summary: 'Upload a document to release (a working copy, staff only) to redact and release with the answer',
        consumes: ['multipart/form-data'],
        params: trackingNumberParams,
        response: { 201: z.object({ id: z.string() }), ...ERRORS },
      },
      preHandler: staff,
    },
    async (request, reply) => {
      const { uploads } = await readBody(ctx, request, 'file');
      const { id } = await addWorkingDocument(ctx, request.principal!, request.params.trackingNumber, uploads);
      return reply.status(201).send({ id });
    },
  );

  // The desk: upload a working copy, mark it, make the copy.
  app.post<{ Params: { trackingNumber: string } }>('/staff/cases/:trackingNumber/attachments', { preHandler: [page, app.csrfProtection] }, async (request, reply) => {
    const { uploads, refused } = await readForm(ctx, request, 'file');
    try {
      if (refused) throw refused;
      const { id, trackingNumber } = await addWorkingDocument(ctx, request.principal!, request.params.trackingNumber, uploads);
      return redirectWithNotice(reply, `/staff/cases/${trackingNumber}/attachments/${id}/redact`, 'uploaded');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return reply.status(status).page('error', { title: '无法上传', message: refusalText(body) });
    }
  });

  app.get<Params & { Querystring: { page?: string } }>('/staff/cases/:trackingNumber/attachments/:id/pages/:page', { preHandler: page }, async (request, reply) => {
    const n = Number((request.params as { page?: string }).page?.replace(/\.png$/, ''));
    const png = await redactionPage(ctx, request.principal!, request.params.trackingNumber, request.params.id, n);
    return reply.type('image/png').header('cache-control', 'private, no-store').send(png);
  });

  app.get<Params>('/staff/cases/:trackingNumber/attachments/:id/redact', { preHandler: page }, async (request, reply) => {
    const tn = request.params.trackingNumber.toUpperCase();
    const found = await redactionSuggestions(ctx, request.principal!, tn, request.params.id);
    return reply.page('staff/redact', {
      title: '区分处理',
      trackingNumber: tn,
      id: request.params.id,
      pages: found.pages.map((p, i) => ({ number: i + 1, width: p.width, height: p.height, url: `/staff/cases/${tn}/attachments/${request.params.id}/pages/${i + 1}.png` })),
      textLayer: found.textLayer,
      suggestions: found.suggestions.map((s, i) => ({ ...s, i, where: `第${s.page}页` })),
      grounds: GROUND_OPTIONS,
      textRows: [1, 2, 3],
      notice: noticeOf(request),
    });
  });

  app.post<Params>('/staff/cases/:trackingNumber/attachments/:id/redact', { preHandler: [page, app.csrfProtection] }, async (request, reply) => {
    const tn = request.params.trackingNumber.toUpperCase();
    try {
      await redactAttachment(ctx, request.principal!, tn, request.params.id, marksFromForm((request.body ?? {}) as Record<string, unknown>));
      return redirectWithNotice(reply, `/staff/cases/${tn}`, 'redacted', 'files-h');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const { status, body } = refusalOf(err);
      return reply.status(status).page('error', { title: '无法生成区分处理后的文件', message: refusalText(body) });
    }
  });
}

/**
 * The marking page's form as the API's body: areas drawn (`area` as "page,x,y,width,height" each with
 * its `areaGround`), suggestions ticked (`pick`: "i|box", with `pickGround<i>`), texts typed (`text`, `textGround`).
 */
function marksFromForm(body: Record<string, unknown>) {
  const list = (k: string) => [body[k] ?? []].flat().map(String);
  const boxOf = (value: string, ground: string) => {
    const [page, x, y, width, height] = value.split(',').map(Number);
    return { page, x, y, width, height, ground };
  };
  const areaGrounds = list('areaGround');
  const marks = list('area')
    .map((a, i) => ({ a: a.trim(), ground: areaGrounds[i] ?? '' }))
    .filter(({ a }) => a)
    .map(({ a, ground }) => boxOf(a, ground));
  for (const pick of list('pick')) {
    const [i, box] = pick.split('|');
    marks.push(boxOf(box ?? '', String(body[`pickGround${i}`] ?? '')));
  }
  const textGrounds = list('textGround');
  const texts = list('text')
    .map((text, i) => ({ text, ground: textGrounds[i] ?? '' }))
    .filter((t) => t.text.trim());
  return { marks, texts };
}
