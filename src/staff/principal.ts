// Who is acting, and which cases they may see (clerks and supervisors: their own agency's only).
import type { StaffActor, StaffRole } from '../workflow/types.js';

export type Principal = {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
  agencyId: number | null;
  /** An overseer's (政务公开办) jurisdiction. */
  jurisdictionId: number | null;
  /** The agencies an overseer supervises: its jurisdiction's and those below it (`all` at the top); null for everyone else. */
  oversees: number[] | 'all' | null;
  /** The password was given by another (src/db/schema.ts, staff): nothing but changing it until it is changed. */
  passwordChangeRequired: boolean;
};

/** Whether the principal may act on (and so see everything of) an agency's cases: administrators, and the agency's own staff. */
export function canSeeAgency(principal: Principal, agencyId: number): boolean {
  return principal.role === 'admin' || principal.agencyId === agencyId;
}

/** Whether the principal may read an agency's cases: those who act on them, and the overseers above it (personal data masked for them). */
export function canReadAgency(principal: Principal, agencyId: number): boolean {
  const o = principal.oversees;
  return canSeeAgency(principal, agencyId) || o === 'all' || Boolean(o?.includes(agencyId));
}

/** A member of staff acting on a case, as the workflow's rules see them: of the case's agency or not. */
export function staffActor(principal: Principal, row: { agencyId: number }): StaffActor {
  return { kind: 'staff', id: principal.id, role: principal.role, ofCaseAgency: principal.agencyId === row.agencyId };
}
