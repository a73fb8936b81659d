// What the sign-in and staff endpoints answer (src/http/openapi.ts).
import { z } from 'zod';
import { instant } from '../http/openapi.js';

const role = z
  .enum(['admin', 'supervisor', 'clerk', 'overseer'])
  .describe('`overseer`: a jurisdiction’s OGI office (政务公开办), which reads its and its children’s agencies’ cases (personal data masked) and decides none');

export const principalSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role,
    agencyId: z.number().int().nullable(),
    jurisdictionId: z.number().int().nullable().describe('an overseer’s jurisdiction'),
    oversees: z
      .union([z.array(z.number().int()), z.literal('all')])
      .nullable()
      .describe('the ids of the agencies an overseer reads, or `all`'),
    passwordChangeRequired: z.boolean().describe('a password someone else knows: every other staff endpoint answers 403 auth.password_change_required until it is changed'),
  })
  .meta({ id: 'Staff' });

export const signedInSchema = z.object({ token: z.string().describe('send as Authorization: Bearer <token>; valid 12 hours'), staff: principalSchema });

export const newStaffSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role,
  agency: z.string().nullable().optional(),
  jurisdiction: z.string().nullable().optional().describe('an overseer’s jurisdiction code'),
});

export const staffListSchema = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      email: z.string(),
      name: z.string(),
      role,
      agencyId: z.number().int().nullable(),
      jurisdictionId: z.number().int().nullable(),
      agencySlug: z.string().nullable(),
      disabledAt: instant.nullable(),
    }),
  ),
});

export const passwordResetSchema = z.object({ id: z.number().int(), email: z.string(), name: z.string(), password: z.string().describe('generated; shown once') });

export const staffIdParams = z.object({ id: z.string().describe('the account id') });
