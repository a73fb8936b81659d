// Who is acting, and which cases they may see (clerks and supervisors: their own agency's only).
import type { StaffRole } from '../workflow/types.js';

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
