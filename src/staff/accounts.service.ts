// Staff accounts as an administrator keeps them: where an account sits (its agency, or an overseer's
// jurisdiction) and its edits — name, role, agency. A change of role or place ends the account's
// sessions, so that what it may do changes at once.
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError, validationFailed } from '../common/errors.js';
import { MAX_INTEGER, parseInput } from '../common/validation.js';
import { findAgencyBySlug } from '../agencies/agencies.repository.js';
import type { StaffRole } from '../workflow/types.js';
import type { Principal } from './principal.js';
import { deleteSessionsOf, findStaffById, updateStaffRow } from './staff.repository.js';

/** The agency (clerks, office heads) or jurisdiction (overseers) of an account with this role; administrators have neither. */
export async function placeOf(ctx: AppContext, data: { role: StaffRole; agency?: string | null; jurisdiction?: string | null }) {
  if (data.role === 'overseer') {
    const j = data.jurisdiction ? (await ctx.jurisdictions.current()).byCode(data.jurisdiction) : undefined;
    if (!j) throw validationFailed({ jurisdiction: data.jurisdiction ? '没有这个行政区划' : '政务公开办须属于一个行政区划' });
    return { agencyId: null, jurisdictionId: j.id };
  }
  if (data.role === 'admin') return { agencyId: null, jurisdictionId: null };
  if (!data.agency) throw validationFailed({ agency: '督办人和办理人须属于一个机关' });
  const agency = await findAgencyBySlug(ctx.db, data.agency);
  if (!agency) throw validationFailed({ agency: '没有这个机关' });
  return { agencyId: agency.id, jurisdictionId: null };
}

export const staffEditInput = z.object({
  name: z.string({ error: '请填写姓名' }).trim().min(1, '请填写姓名').max(50, '姓名不超过50字'),
  role: z.enum(['admin', 'supervisor', 'clerk', 'overseer'], { error: '请选择角色' }),
  agency: z.string().trim().optional().nullable(),
  jurisdiction: z.string().trim().optional().nullable(),
});

/** An administrator edits an account: its name, role and place. One's own role stays (no one locks themselves out). */
export async function updateStaff(ctx: AppContext, principal: Principal, id: number, input: unknown) {
  const data = parseInput(staffEditInput, input);
  const account = Number.isInteger(id) && id > 0 && id <= MAX_INTEGER ? await findStaffById(ctx.db, id) : null;
  if (!account) throw new AppError(404, 'staff.not_found', '没有找到该账号');
  if (account.id === principal.id && data.role !== account.role) throw validationFailed({ role: '不能修改自己的角色' });
  const place = await placeOf(ctx, data);
  const moved = data.role !== account.role || place.agencyId !== account.agencyId || place.jurisdictionId !== account.jurisdictionId;
  await ctx.db.transaction(async (tx) => {
    await updateStaffRow(tx, account.id, { name: data.name, role: data.role, ...place });
    if (moved) await deleteSessionsOf(tx, account.id);
  });
  ctx.log.info({ by: principal.id, account: account.id, role: data.role, moved }, 'staff account edited');
  return {
    id: account.id,
    name: data.name,
    role: data.role,
    agency: data.role === 'admin' || data.role === 'overseer' ? null : (data.agency ?? null),
    jurisdiction: data.role === 'overseer' ? (data.jurisdiction ?? null) : null,
  };
}
