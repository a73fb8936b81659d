// What the administrators' queue endpoints answer (src/http/openapi.ts).
import { z } from 'zod';

const counts = z.object({
  pending: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  retrying: z.number().int().describe('of those pending, how many failed an attempt and wait to be tried again'),
});

export const adminStatusSchema = z.object({
  timers: z.object({ pending: z.number().int(), due: z.number().int(), failing: z.number().int(), done: z.number().int() }),
  outbox: counts,
  idNumbersSealed: z.boolean().describe('false on PostgreSQL without PERSONAL_DATA_KEY'),
});

export const outboxSchema = z.object({
  counts,
  items: z.array(
    z.object({
      id: z.number().int(),
      template: z.string(),
      recipient: z.string(),
      subject: z.string(),
      status: z.enum(['pending', 'sent', 'failed']),
      attempts: z.number().int(),
      nextAttemptAt: z.string(),
      lastError: z.string().nullable(),
      createdAt: z.string(),
      sentAt: z.string().nullable(),
      trackingNumber: z.string().nullable(),
    }),
  ),
});

export const retriedSchema = z.object({ status: z.literal('pending') });
