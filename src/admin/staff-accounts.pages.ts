// Staff accounts on the administration pages: list, create, edit (name, role, place), disable and
// enable (asking first; never oneself), reset a forgotten password (src/staff/auth.service.ts,
// src/staff/accounts.service.ts).
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { listAgencies } from '../agencies/agencies.repository.js';
import { dropEmpty } from '../common/validation.js';
import { staffPage } from '../http/auth.js';
import { errorList, fieldModel } from '../http/forms.js';
import { noticeOf, redirectWithNotice, refusalOf } from '../http/views.js';
import { updateStaff } from '../staff/accounts.service.js';
import { createStaff, resetStaffPassword, setStaffDisabled } from '../staff/auth.service.js';
import { listStaff } from '../staff/staff.repository.js';

const ROLE_CHOICES = [
  ['clerk', '办理人员'],
  ['supervisor', '负责人'],
  ['overseer', '政务公开办'],
  ['admin', '系统管理员'],
] as const;

export async function staffAccountPages(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const admin = staffPage(ctx, ['admin']);
  const post = { preHandler: [admin, app.csrfProtection] };

  // Staff accounts
  type StaffPage = {
    values?: Record<string, unknown>;
    errors?: Record<string, string>;
    status?: number;
    notice?: string | null;
    /** A password just reset, shown this once. */
    reset?: Awaited<ReturnType<typeof resetStaffPassword>> | null;
  };
  const staffPageModel = async (reply: FastifyReply, { values = { role: 'clerk' }, errors = {}, status = 200, notice = null, reset = null }: StaffPage = {}) => {
    const [accounts, agencies, tree] = await Promise.all([listStaff(ctx.db), listAgencies(ctx.db), ctx.jurisdictions.current()]);
    const f = (path: string, options?: readonly (readonly [string, string])[]) => fieldModel({ values, errors, path, options });
    return reply.status(status).page('admin/staff', {
      title: '工作人员账号',
      notice,
      reset,
      accounts: accounts.map((a) => ({
        ...a,
        agencyName: agencies.find((g) => g.slug === a.agencySlug)?.name ?? a.agencySlug,
        roleChoices: ROLE_CHOICES.map(([value, label]) => ({ value, label, selected: value === a.role })),
        agencyChoices: agencies.map((g) => ({ value: g.slug, label: g.name, selected: g.slug === a.agencySlug })),
        jurisdictionChoices: tree.rows.map((j) => ({ value: j.code, label: j.name, selected: j.id === a.jurisdictionId })),
        roleLabel: { admin: '系统管理员', supervisor: '负责人（督办、审批延期）', clerk: '办理人员', overseer: '政务公开办（监督本级和下级机关）' }[a.role],
        scopeName: a.jurisdictionId ? (tree.byId(a.jurisdictionId)?.name ?? '') : null,
        disabled: Boolean(a.disabledAt),
        self: a.id === reply.request.principal?.id,
      })),
      errors: Object.keys(errors).length ? errors : null,
      errorList: errorList(errors, { email: '电子邮箱', name: '姓名', role: '角色', agency: '所属机关', jurisdiction: '所属行政区划', password: '初始密码' }),
      form: {
        email: f('email'),
        name: f('name'),
        password: f('password'),
        role: f('role', ROLE_CHOICES),
        jurisdiction: f(
          'jurisdiction',
          tree.rows.map((j) => [j.code, j.name] as const),
        ),
        agency: f(
          'agency',
          agencies.map((a) => [a.slug, a.name] as const),
        ),
      },
    });
  };
  app.get('/admin/staff', { preHandler: admin }, async (request, reply) => staffPageModel(reply, { notice: noticeOf(request) }));
  app.post('/admin/staff', post, async (request, reply) => {
    try {
      // The administrator chose the first password: the person sets their own at the first sign-in.
      await createStaff(ctx, { ...(request.body as object), passwordChangeRequired: true });
      return redirectWithNotice(reply, '/admin/staff', 'saved');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return staffPageModel(reply, { values: request.body as Record<string, unknown>, errors: body.fields ?? { _: body.message }, status });
    }
  });
  app.post<{ Params: { id: string } }>('/admin/staff/:id', post, async (request, reply) => {
    try {
      await updateStaff(ctx, request.principal!, Number(request.params.id), dropEmpty(request.body));
      return redirectWithNotice(reply, '/admin/staff', 'saved');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return staffPageModel(reply, { errors: body.fields ?? { _: body.message }, status });
    }
  });
  app.post<{ Params: { id: string }; Body: { disabled?: string } }>('/admin/staff/:id/status', post, async (request, reply) => {
    await setStaffDisabled(ctx, request.principal!, Number(request.params.id), request.body.disabled === '1');
    return redirectWithNotice(reply, '/admin/staff', 'saved');
  });

  // Shown once, on this answer (never stored, never in an address); the page is not kept (no-store).
  app.post<{ Params: { id: string } }>('/admin/staff/:id/password', post, async (request, reply) => {
    try {
      const reset = await resetStaffPassword(ctx, request.principal!, Number(request.params.id));
      return staffPageModel(reply, { reset });
    } catch (err) {
      const { status, body } = refusalOf(err);
      return staffPageModel(reply, { errors: body.fields ?? { _: body.message }, status });
    }
  });
}
