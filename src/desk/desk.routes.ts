import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { z } from 'zod';
import { staffOnly } from '../http/auth.js';
import { ERRORS, STAFF, trackingNumberParams } from '../http/openapi.js';
import { applicationSchema, registrationExtras } from '../requests/application.schema.js';
import { receiptSchema } from '../requests/requests.schemas.js';
import { assignmentResultSchema, caseSchema, eventBodySchema, queueSchema, queueTabsSchema, reissuedAccessCodeSchema } from './desk.schemas.js';
import { notFound } from '../common/errors.js';
import { readBody } from '../http/multipart.js';
import { attachmentContent, findAttachment } from '../requests/attachments.repository.js';
import { reissueAccessCode } from '../requests/access-codes.js';
import { registerApplication } from '../requests/intake.service.js';
import { applyStaffEvent } from '../requests/workflow.service.js';
import { recordServiceByStaff, serviceInput } from '../letters/service-records.service.js';
import { addNote, caseView, findVisibleCase, getCase, noteInput } from './desk.service.js';
import { assignMany, assignmentSchema, exportQueue, listCases, queueQuery, queueTabs } from './queue.service.js';

const tags = ['cases'];
const security = STAFF;
const theCase = { 200: caseSchema, ...ERRORS };
const SCHEMAS = {
  list: {
    tags,
    security,
    summary: 'The cases the caller may see (the clerks’ queue), keyset-paginated by due date',
    querystring: queueQuery,
    response: { 200: queueSchema, ...ERRORS },
  },
  tabs: {
    tags,
    security,
    summary: 'The queue’s tabs (a to-do list) with how many cases each holds',
    description:
      'Pass a tab’s `key` as `tab` to GET /api/cases. `approval` holds drafts and extension requests awaiting the office head; `applicant`, cases waiting for a correction, a fee or reasons; every tab but `closed` holds open cases only.',
    querystring: queueQuery.pick({ agency: true }),
    response: { 200: queueTabsSchema, ...ERRORS },
  },
  export: {
    tags,
    security,
    summary: 'The queue’s view (the same filters and tab as GET /api/cases, every page) as an XLSX spreadsheet',
    querystring: queueQuery.omit({ after: true, limit: true }),
    produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    response: { 200: z.any().describe('the .xlsx file'), ...ERRORS },
  },
  assign: {
    tags,
    security,
    summary: 'Give several cases to one clerk (each an ASSIGN); those that cannot be are listed with the reason',
    body: assignmentSchema,
    response: { 200: assignmentResultSchema, ...ERRORS },
  },
  register: {
    tags,
    security,
    summary: 'Register an application received on paper, in person, by post, fax, e-mail or orally',
    description: 'The fields of POST /api/requests plus `channel` and `receivedOn` (from 1 January of last year to today); JSON or multipart with files in `attachments`.',
    consumes: ['application/json', 'multipart/form-data'],
    body: applicationSchema('2026-01-01').and(registrationExtras),
    response: { 201: receiptSchema, ...ERRORS },
  },
  get: { tags, security, summary: 'The whole case: state, deadlines, timeline (`events`), letters, allowed events', params: trackingNumberParams, response: theCase },
  event: {
    tags,
    security,
    summary: 'Act on a case: one workflow event (docs/workflow.md)',
    description:
      'The body’s `type` names the event; each type is a variant below with the rules that may refuse it (409 with `rule`). ANSWER may be multipart with the released files in `attachments`. The answer is the case as it now stands.',
    consumes: ['application/json', 'multipart/form-data'],
    params: trackingNumberParams,
    body: eventBodySchema,
    response: theCase,
  },
  service: {
    tags,
    security,
    summary: 'Record how and when a letter was served (送达)',
    description:
      'Post (`reference`: the postal tracking number, required), in person (`proof`: the signed receipt, a PDF or image, required; multipart), or an electronic channel recorded by hand. A letter that starts a period counted from receipt (补正, 缴费, 征求意见) starts it on `servedOn` (docs/statute.md §6). Answers 201 with the case.',
    consumes: ['application/json', 'multipart/form-data'],
    params: trackingNumberParams.extend({ id: z.string() }),
    body: serviceInput.extend({ expectedVersion: z.number().int().optional(), proof: z.any().optional().describe('multipart only: the evidence file') }),
    response: { 201: caseSchema, ...ERRORS },
  },
  note: {
    tags,
    security,
    summary: 'A working note for staff only (never shown to the applicant)',
    params: trackingNumberParams,
    body: noteInput,
    response: { 201: caseSchema, ...ERRORS },
  },
  accessCode: {
    tags,
    security,
    summary: 'A new access code for an applicant who lost theirs; the old one stops working',
    params: trackingNumberParams,
    response: { 200: reissuedAccessCodeSchema, ...ERRORS },
  },
  attachment: {
    tags,
    security,
    summary: 'A file of the case (its content, with its type)',
    params: trackingNumberParams.extend({ id: z.string() }),
    produces: ['application/octet-stream'],
    response: { 200: z.any().describe('the file'), ...ERRORS },
  },
};
import { sendFile, sendSpreadsheet } from '../http/files.js';

type WithTn = { Params: { trackingNumber: string } };

export async function caseRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const staff = staffOnly(ctx);

  app.get('/api/cases', { schema: SCHEMAS.list, preHandler: staff }, async (request) => listCases(ctx, request.principal!, request.query));
  app.get('/api/cases/tabs', { schema: SCHEMAS.tabs, preHandler: staff }, async (request) => ({ tabs: await queueTabs(ctx, request.principal!, request.query) }));
  app.get('/api/cases/export.xlsx', { schema: SCHEMAS.export, preHandler: staff }, async (request, reply) =>
    sendSpreadsheet(reply, '申请清单.xlsx', await exportQueue(ctx, request.principal!, request.query)),
  );
  app.post('/api/cases/assignments', { schema: SCHEMAS.assign, preHandler: staff }, async (request) => assignMany(ctx, request.principal!, request.body));

  app.post('/api/cases', { schema: SCHEMAS.register, preHandler: staff }, async (request, reply) => {
    const { fields, uploads } = await readBody(ctx, request);
    return reply.status(201).send(await registerApplication(ctx, { principal: request.principal!, input: fields, uploads }));
  });

  app.get<WithTn>('/api/cases/:trackingNumber', { schema: SCHEMAS.get, preHandler: staff }, async (request) => getCase(ctx, request.principal!, request.params.trackingNumber));

  app.post<WithTn>('/api/cases/:trackingNumber/events', { schema: SCHEMAS.event, preHandler: staff }, async (request) => {
    const { fields, uploads } = await readBody(ctx, request);
    const row = await applyStaffEvent(ctx, { trackingNumber: request.params.trackingNumber.toUpperCase(), principal: request.principal!, input: fields, uploads });
    return caseView(ctx, request.principal!, row);
  });

  // How and when a letter was served: the periods counted from receipt run from it.
  app.post<WithTn & { Params: { id: string } }>('/api/cases/:trackingNumber/letters/:id/service', { schema: SCHEMAS.service, preHandler: staff }, async (request, reply) => {
    const { fields, uploads } = await readBody(ctx, request, 'proof');
    const row = await recordServiceByStaff(ctx, {
      principal: request.principal!,
      trackingNumber: request.params.trackingNumber,
      letterId: request.params.id,
      input: fields,
      uploads,
    });
    return reply.status(201).send(await caseView(ctx, request.principal!, row));
  });

  // A working note for staff only (never in the applicant's view).
  app.post<WithTn>('/api/cases/:trackingNumber/notes', { schema: SCHEMAS.note, preHandler: staff }, async (request, reply) => {
    const row = await addNote(ctx, request.principal!, request.params.trackingNumber, request.body ?? {});
    return reply.status(201).send(await caseView(ctx, request.principal!, row));
  });

  // An applicant who lost the access code gets a new one; the old one stops working.
  app.post<WithTn>('/api/cases/:trackingNumber/access-code', { schema: SCHEMAS.accessCode, preHandler: staff }, async (request) =>
    reissueAccessCode(ctx, request.principal!, request.params.trackingNumber),
  );

  app.get<WithTn & { Params: { id: string } }>('/api/cases/:trackingNumber/attachments/:id', { schema: SCHEMAS.attachment, preHandler: staff }, async (request, reply) => {
    const row = await findVisibleCase(ctx, request.principal!, request.params.trackingNumber);
    const file = /^[0-9a-f-]{36}$/.test(request.params.id) ? await findAttachment(ctx.db, row.id, request.params.id) : null;
    if (!file) throw notFound('attachments.not_found', '没有找到该附件');
    return sendFile(reply, file, attachmentContent(ctx.db, file.id));
  });
}
