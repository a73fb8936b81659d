// Administrators' pages for the governments the installation serves (docs/jurisdictions.md).
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { listAgencies } from '../agencies/agencies.repository.js';
import { staffPage } from '../http/auth.js';
import { errorList, fieldModel } from '../http/forms.js';
import { noticeOf, redirectWithNotice, refusalOf } from '../http/views.js';
import { LEVELS } from './jurisdictions.js';
import { changeJurisdiction, createJurisdiction } from './jurisdictions.service.js';

const JURISDICTION_LABELS: Record<string, string> = {
  code: '行政区划代码',
  name: '全称',
  shortName: '简称',
  level: '层级',
  parent: '上级行政区划',
  portalTitle: '门户标题',
  mailFooter: '邮件落款',
  publicUrl: '公开网址',
  host: '主机名',
};

export async function jurisdictionPages(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const admin = staffPage(ctx, ['admin']);
  const post = { preHandler: [admin, app.csrfProtection] };
  // Jurisdictions: the governments served (an installation administrator's).
  const jurisdictionForm = async (reply: FastifyReply, values: Record<string, unknown>, errors: Record<string, string>, status = 200, code?: string) => {
    const tree = await ctx.jurisdictions.current();
    const choices: Record<string, readonly (readonly [string, string])[]> = {
      level: Object.entries(LEVELS).map(([value, l]) => [value, l.label] as const),
      parent: tree.rows.filter((j) => j.code !== code && j.level !== 'township').map((j) => [j.code, j.name] as const),
    };
    return reply.status(status).page('admin/jurisdiction', {
      title: code ? '编辑行政区划' : '新增行政区划',
      code,
      errors: Object.keys(errors).length ? errors : null,
      errorList: errorList(errors, JURISDICTION_LABELS),
      fields: Object.fromEntries(Object.keys(JURISDICTION_LABELS).map((k) => [k, fieldModel({ values, errors, path: k, options: choices[k] })])),
    });
  };
  app.get('/admin/jurisdictions', { preHandler: admin }, async (request, reply) => {
    const [tree, agencies] = await Promise.all([ctx.jurisdictions.current(), listAgencies(ctx.db)]);
    return reply.page('admin/jurisdictions', {
      title: '行政区划',
      jurisdictions: tree.rows.map((j) => ({
        ...j,
        depth: tree.depth(j.id),
        levelLabel: LEVELS[j.level].label,
        agencyCount: agencies.filter((a) => a.jurisdictionId === j.id).length,
      })),
      notice: noticeOf(request),
    });
  });
  app.get('/admin/jurisdictions/new', { preHandler: admin }, async (_request, reply) => jurisdictionForm(reply, { level: 'county' }, {}));
  app.post('/admin/jurisdictions', post, async (request, reply) => {
    try {
      await createJurisdiction(ctx, request.body);
      return redirectWithNotice(reply, '/admin/jurisdictions', 'saved');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return jurisdictionForm(reply, request.body as Record<string, unknown>, body.fields ?? { _: body.message }, status);
    }
  });
  app.get<{ Params: { code: string } }>('/admin/jurisdictions/:code', { preHandler: admin }, async (request, reply) => {
    const tree = await ctx.jurisdictions.current();
    const j = tree.byCode(request.params.code);
    if (!j) return reply.callNotFound();
    const parent = j.parentId ? tree.byId(j.parentId)?.code : '';
    return jurisdictionForm(reply, { ...j, parent, host: j.host ?? '' } as unknown as Record<string, unknown>, {}, 200, j.code);
  });
  app.post<{ Params: { code: string } }>('/admin/jurisdictions/:code', post, async (request, reply) => {
    try {
      await changeJurisdiction(ctx, request.params.code, request.body);
      return redirectWithNotice(reply, '/admin/jurisdictions', 'saved');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return jurisdictionForm(reply, request.body as Record<string, unknown>, body.fields ?? { _: body.message }, status, request.params.code);
    }
  });
}
