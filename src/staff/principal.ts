// Who is acting, and which cases they may see (clerks and supervisors: their own agency's only).
import type { StaffActor, StaffRole } from '../workflow/types.js';

export type Principal = {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
  agencyId: number | null;
  /** The password was given by another (src/db/schema.ts, staff): nothing but changing it until it is changed. */
  passwordChangeRequired: boolean;
};

export function canSeeAgency(principal: Principal, agencyId: number): boolean {
  return principal.role === 'admin' || principal.agencyId === agencyId;
}

/** A member of staff acting on a case, as the workflow's rules see them: of the case's agency or not. */
export function staffActor(principal: Principal, row: { agencyId: number }): StaffActor {
  return { kind: 'staff', id: principal.id, role: principal.role, ofCaseAgency: principal.agencyId === row.agencyId };
}
