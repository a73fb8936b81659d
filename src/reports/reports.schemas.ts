// What the annual report and review endpoints answer (src/http/openapi.ts). Row and column keys are
// those of docs/statute.md §5 (table 三) and table 四.
import { z } from 'zod';
import { APPLICANT_COLUMNS, REVIEW_KINDS, REVIEW_OUTCOMES, TABLE3_ROWS } from './tables.js';

const cells = z.object(Object.fromEntries([...APPLICANT_COLUMNS, 'total'].map((c) => [c, z.number().int()])) as Record<(typeof APPLICANT_COLUMNS)[number] | 'total', z.ZodNumber>);
const outcomes = z.object(Object.fromEntries([...REVIEW_OUTCOMES, 'total'].map((c) => [c, z.number().int()])) as Record<(typeof REVIEW_OUTCOMES)[number] | 'total', z.ZodNumber>);

export const annualReportSchema = z
  .object({
    year: z.number().int(),
    agency: z.string().nullable().describe('the agency slug; null for a jurisdiction or every agency the caller may see'),
    jurisdiction: z.string().nullable().describe('the jurisdiction code: its agencies and those below it (a forwarded request counted once where both agencies are in it)'),
    agencyName: z.string().describe('the name of what the report covers: the agency or the jurisdiction'),
    rows: z.object(Object.fromEntries(TABLE3_ROWS.map((r) => [r, cells])) as Record<(typeof TABLE3_ROWS)[number], typeof cells>).describe('table 三: rows.<row>.<column>'),
    table4: z.object(Object.fromEntries(REVIEW_KINDS.map((k) => [k, outcomes])) as Record<(typeof REVIEW_KINDS)[number], typeof outcomes>).describe('table 四'),
    fees: z.object({ notices: z.number().int(), paid: z.number().int(), collectedYuan: z.number() }),
  })
  .meta({ id: 'AnnualReport' });

export const reportQuery = z.object({
  year: z.string().optional().describe('YYYY; default last year'),
  agency: z.string().optional().describe('agency slug'),
  jurisdiction: z.string().optional().describe('jurisdiction code (GET /api/jurisdictions); with neither, every agency the caller may see'),
});
