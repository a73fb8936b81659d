// What GET /api/agencies/{slug}/guide answers: the published 政府信息公开指南 (guide.document.ts).
import { z } from 'zod';
import { agencyContactSchema } from '../agencies/agencies.schemas.js';

const labelled = z.object({ label: z.string(), value: z.string() });

export const guideDocumentSchema = z
  .object({
    agency: z.object({ slug: z.string(), name: z.string() }),
    version: z.number().int(),
    publishedOn: z.string(),
    publishedOnText: z.string(),
    classification: z.string(),
    proactiveChannels: z.string(),
    office: z.array(labelled),
    contact: agencyContactSchema,
    applyChannels: z.array(z.object({ channel: z.string(), label: z.string(), text: z.string() })),
    applicationContents: z.array(z.string()),
    process: z.array(z.object({ step: z.string(), text: z.string() })),
    fees: z.array(z.string()),
    remedies: z.object({ reviewBody: z.string(), court: z.string(), text: z.string() }),
    serviceCommitments: z.string(),
  })
  .meta({ id: 'Guide' });
