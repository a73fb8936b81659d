// Bringing a government in: the template, the export and the import of agencies and staff
// (administrators; API and the administration pages).
import type {} from '@fastify/csrf-protection';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { validationFailed } from '../common/errors.js';
import { staffOnly, staffPage } from '../http/auth.js';
import { readBody, readForm } from '../http/multipart.js';
import { ERRORS, STAFF } from '../http/openapi.js';
import { refusalOf } from '../http/views.js';
import type { Upload } from '../requests/attachments.js';
import { importOnboarding, onboardingWorkbook } from './onboarding.service.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const tags = ['agencies'];
const SCHEMAS = {
  template: {
    tags,
    security: STAFF,
    summary: 'The spreadsheet to fill in: sheets 机关 and 工作人员, with instructions',
    produces: [XLSX],
    response: { 200: z.string(), ...ERRORS },
  },
  export: { tags, security: STAFF, summary: 'Every agency and staff account (no passwords), in the template’s layout', produces: [XLSX], response: { 200: z.string(), ...ERRORS } },
  import: {
    tags,
    security: STAFF,
    summary: 'Import agencies (with their guide drafts) and staff accounts from the filled-in template (XLSX, or a CSV of agencies) in `file`: all rows or none',
    consumes: ['multipart/form-data'],
    response: {
      201: z.object({
        agencies: z.array(z.string()).describe('the names of the agencies created'),
        accounts: z.array(z.object({ email: z.string(), name: z.string(), password: z.string().describe('generated; shown once; changed at the first sign-in') })),
      }),
      ...ERRORS,
    },
  },
};

async function fileOf(uploads: Upload[]): Promise<Buffer> {
  if (uploads.length !== 1) throw validationFailed({ file: '请选择一个文件（XLSX 或 CSV）' });
  return readFile(uploads[0]!.path);
}

const sendXlsx = (reply: FastifyReply, file: Buffer, filename: string) =>
  reply
    .type(XLSX)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('cache-control', 'no-store')
    .send(file);

export async function onboardingRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const admin = staffOnly(ctx, ['admin']);
  app.get('/api/agencies/template.xlsx', { schema: SCHEMAS.template, preHandler: admin }, async (_request, reply) =>
    sendXlsx(reply, await onboardingWorkbook(ctx, { template: true }), '机关和工作人员导入模板.xlsx'),
  );
  app.get('/api/agencies/export.xlsx', { schema: SCHEMAS.export, preHandler: admin }, async (_request, reply) =>
    sendXlsx(reply, await onboardingWorkbook(ctx, { template: false }), '机关和工作人员.xlsx'),
  );
  app.post('/api/agencies/import', { schema: SCHEMAS.import, preHandler: admin }, async (request, reply) => {
    const { uploads } = await readBody(ctx, request, 'file');
    return reply.status(201).send(await importOnboarding(ctx, request.principal!, await fileOf(uploads)));
  });

  const adminPage = staffPage(ctx, ['admin']);
  app.get('/admin/agencies/template.xlsx', { preHandler: adminPage }, async (_request, reply) =>
    sendXlsx(reply, await onboardingWorkbook(ctx, { template: true }), '机关和工作人员导入模板.xlsx'),
  );
  app.get('/admin/agencies/export.xlsx', { preHandler: adminPage }, async (_request, reply) =>
    sendXlsx(reply, await onboardingWorkbook(ctx, { template: false }), '机关和工作人员.xlsx'),
  );
  app.get('/admin/agencies/import', { preHandler: adminPage }, async (_request, reply) => reply.page('admin/agency-import', { title: '导入机关和工作人员' }));
  // Multipart: the CSRF token comes in the query string. The generated passwords are on this answer only.
  app.post('/admin/agencies/import', { preHandler: [adminPage, app.csrfProtection] }, async (request, reply) => {
    try {
      const { uploads, refused } = await readForm(ctx, request, 'file');
      if (refused) throw refused;
      const result = await importOnboarding(ctx, request.principal!, await fileOf(uploads));
      return reply.header('cache-control', 'no-store').page('admin/agency-import', { title: '导入完成', result });
    } catch (err) {
      const { status, body } = refusalOf(err);
      const problems = Object.entries(body.fields ?? {}).map(([where, message]) => ({ where: where === 'file' || where === '_' ? '' : where, message }));
      return reply.status(status).page('admin/agency-import', { title: '导入机关和工作人员', message: body.message, problems });
    }
  });
}
