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
    ...agencyContactSchema.shape,
  })
  .meta({ id: 'Agency' });
