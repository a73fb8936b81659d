// What GET /api/agencies answers (src/http/openapi.ts).
import { z } from 'zod';

/** How to reach an agency's 政府信息公开工作机构: in the agency list and in its guide. */
export const agencyContactSchema = z.object({
  officeName: z.string().describe('its 政府信息公开工作机构'),
  address: z.string(),
  postcode: z.string(),
  officeHours: z.string(),
  phone: z.string(),
  fax: z.string(),
  email: z.string(),
  website: z.string(),
});

export const agencySummarySchema = z
  .object({
    slug: z.string().describe('the agency in URLs and in POST /api/requests `agency`'),
    code: z.string().describe('the prefix of its tracking numbers'),
    name: z.string(),
    kind: z.enum(['government', 'department']),
    jurisdiction: z.object({ code: z.string(), name: z.string() }).describe('the government it belongs to (GET /api/jurisdictions)'),
    parent: z.string().nullable().describe('for a 直属单位, the slug of the department it sits under'),
    ...agencyContactSchema.shape,
  })
  .meta({ id: 'Agency' });

export const jurisdictionSchema = z
  .object({
    code: z.string().describe('the GB/T 2260 administrative division code'),
    name: z.string(),
    level: z.enum(['province', 'city', 'county', 'township']),
    parent: z.string().nullable().describe('the code of the jurisdiction above it'),
  })
  .meta({ id: 'Jurisdiction' });
