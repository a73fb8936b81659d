// Letters as PDF for staff and applicant, and verification of an issued letter by its code (API and
// page). The applicant's routes and /verify check a code, so they share the access-code budget.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { findAgencyById } from '../agencies/agencies.repository.js';
import { AppError, notFound } from '../common/errors.js';
import { staffOnly, staffPage } from '../http/auth.js';
import { ERRORS, STAFF, day, trackingNumberParams } from '../http/openapi.js';
import { findLetter } from '../letters/letters.repository.js';
import { recordOpenedOnPortal } from '../letters/service-records.service.js';
import { findTrackedCase } from '../requests/tracking.service.js';
import type { CaseRow } from '../requests/cases.repository.js';
import type { Principal } from '../staff/principal.js';
import type { ClientLimits } from '../throttling/client-limits.js';
import { findVisibleCase } from '../desk/desk.service.js';
import { letterPdf, verifyLetter } from './documents.service.js';
import { caseFilePdf } from './case-file.service.js';
import { chineseDate } from '../letters/chinese-dates.js';

const pdf = { 200: z.any().describe('application/pdf, with a text layer'), ...ERRORS };
const letterParams = trackingNumberParams.extend({ id: z.string().describe('the letter’s id') });
const verified = z
  .object({
    code: z.string(),
    agency: z.string(),
    title: z.string(),
    documentNumber: z.string(),
    issuedOn: day,
    recipient: z.string().describe('masked'),
    pdfUrl: z.string().describe('the PDF as issued'),
  })
  .meta({ id: 'VerifiedLetter' });

const SCHEMAS = {
  staffPdf: { tags: ['cases'], security: STAFF, summary: 'A letter of the case as an A4 PDF', params: letterParams, produces: ['application/pdf'], response: pdf },
  applicantPdf: {
    tags: ['requests'],
    summary: 'A letter to the applicant as an A4 PDF (with the access code)',
    params: letterParams,
    querystring: z.object({ accessCode: z.string().optional() }),
    produces: ['application/pdf'],
    response: pdf,
  },
  caseFile: {
    tags: ['cases'],
    security: STAFF,
    summary: 'The case file (案卷) as one PDF: cover, index, application and files, letters as issued, mails, timeline',
    description: '`variant=archive` (default: 归档, with internal notes) or `review` (for a 行政复议答复, 行政复议法 arts. 47–48: no internal notes).',
    params: trackingNumberParams,
    querystring: z.object({ variant: z.enum(['archive', 'review'], { error: 'variant 为 archive 或 review' }).default('archive') }),
    produces: ['application/pdf'],
    response: pdf,
  },
  verify: {
    tags: ['verify'],
    summary: 'Check an issued letter by the verification code printed on it',
    querystring: z.object({ code: z.string().optional() }),
    response: { 200: verified, ...ERRORS },
  },
};

const LETTER_ID = /^\d{1,12}$/;

async function sendLetterPdf(ctx: AppContext, reply: FastifyReply, row: CaseRow, id: string, applicantOnly: boolean) {
  const letter = LETTER_ID.test(id) ? await findLetter(ctx.db, row.id, Number(id)) : null;
  if (!letter || (applicantOnly && letter.recipient !== 'applicant')) throw notFound('letters.not_found', '没有找到该文书');
  // The applicant's first opening of a letter on the portal serves it (docs/statute.md §6).
  if (applicantOnly) await recordOpenedOnPortal(ctx, row, letter);
  const agency = (await findAgencyById(ctx.db, row.agencyId))!;
  const file = await letterPdf(ctx, letter, agency);
  const name = `${letter.documentNumber}-${letter.title}.pdf`;
  return reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="letter-${letter.id}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header('cache-control', 'private, no-store')
    .send(file);
}

export async function documentRoutes(app: FastifyInstance, { ctx, limits }: { ctx: AppContext; limits: ClientLimits }) {
  type LetterRoute = { Params: { trackingNumber: string; id: string }; Querystring: { accessCode?: string; trackingNumber?: string } };
  const staffCase = (principal: Principal, tn: string) => findVisibleCase(ctx, principal, tn);

  app.get<LetterRoute>('/api/cases/:trackingNumber/letters/:id.pdf', { schema: SCHEMAS.staffPdf, preHandler: staffOnly(ctx) }, async (request, reply) =>
    sendLetterPdf(ctx, reply, await staffCase(request.principal!, request.params.trackingNumber), request.params.id, false),
  );
  app.get<LetterRoute>('/staff/cases/:trackingNumber/letters/:id.pdf', { schema: { hide: true }, preHandler: staffPage(ctx) }, async (request, reply) =>
    sendLetterPdf(ctx, reply, await staffCase(request.principal!, request.params.trackingNumber), request.params.id, false),
  );
  app.get<LetterRoute>('/api/requests/:trackingNumber/letters/:id.pdf', { schema: SCHEMAS.applicantPdf, onRequest: limits.accessCode }, async (request, reply) =>
    sendLetterPdf(ctx, reply, await findTrackedCase(ctx, request.params.trackingNumber, request.query.accessCode ?? ''), request.params.id, true),
  );
  app.get<Omit<LetterRoute, 'Params'> & { Params: { id: string } }>('/track/letters/:id.pdf', { schema: { hide: true }, onRequest: limits.accessCode }, async (request, reply) =>
    sendLetterPdf(ctx, reply, await findTrackedCase(ctx, request.query.trackingNumber ?? '', request.query.accessCode ?? ''), request.params.id, true),
  );

  type FileRoute = { Params: { trackingNumber: string }; Querystring: { variant?: string } };
  const sendCaseFile = async (request: FastifyRequest<FileRoute>, reply: FastifyReply) => {
    const variant = request.query.variant === 'review' ? 'review' : 'archive';
    const { pdf: file, trackingNumber } = await caseFilePdf(ctx, request.principal!, request.params.trackingNumber, variant);
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${trackingNumber}-${variant}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(file);
  };
  app.get<FileRoute>('/api/cases/:trackingNumber/file.pdf', { schema: SCHEMAS.caseFile, preHandler: staffOnly(ctx) }, sendCaseFile);
  app.get<FileRoute>('/staff/cases/:trackingNumber/file.pdf', { schema: { hide: true }, preHandler: staffPage(ctx) }, sendCaseFile);

  app.get<{ Querystring: { code?: string } }>(
    '/api/verify',
    { schema: SCHEMAS.verify, onRequest: limits.accessCode },
    async (request) => (await verifyLetter(ctx, request.query.code ?? '')).view,
  );

  app.get<{ Querystring: { code?: string } }>('/verify', { schema: { hide: true }, onRequest: limits.accessCode }, async (request, reply) => {
    const code = (request.query.code ?? '').trim();
    if (!code) return reply.page('verify', { title: '文书核验', code, result: null, error: null });
    try {
      const { view } = await verifyLetter(ctx, code);
      return reply.page('verify', { title: '文书核验', code, result: { ...view, issuedOnText: chineseDate(view.issuedOn) }, error: null });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return reply.status(404).page('verify', { title: '文书核验', code, result: null, error: err.message });
    }
  });

  app.get<{ Params: { code: string } }>('/verify/:code.pdf', { schema: { hide: true }, onRequest: limits.accessCode }, async (request, reply) => {
    const { letter, agency } = await verifyLetter(ctx, request.params.code);
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="${letter.verificationCode}.pdf"`)
      .send(await letterPdf(ctx, letter, agency));
  });
}
