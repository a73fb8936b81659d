// What the applicant's endpoints answer (src/http/openapi.ts): the receipt of a submission and the
// applicant's view of a request (applicant-view.ts builds it; it is stored and sent as it is).
import { z } from 'zod';
import { day } from '../http/openapi.js';

export const receiptSchema = z
  .object({
    trackingNumber: z.string(),
    accessCode: z.string().describe('shown once: with the tracking number it opens the request; stored only as an HMAC'),
    state: z.string(),
    receivedOn: day,
    dueOn: day.nullable(),
    dueProvisional: z.boolean(),
    agency: z.string().describe('the agency slug'),
  })
  .meta({ id: 'Receipt' });

export const applicantViewSchema = z
  .object({
    trackingNumber: z.string(),
    agency: z.object({ slug: z.string(), name: z.string() }),
    state: z.string(),
    stateLabel: z.string(),
    receivedOn: day,
    dueOn: day.nullable(),
    dueProvisional: z.boolean(),
    clockStopped: z.boolean(),
    disposition: z.string().nullable(),
    dispositionLabel: z.string().nullable(),
    concludedOn: day.nullable(),
    timeline: z.array(
      z.object({
        type: z.string(),
        label: z.string(),
        on: day,
        at: z.string().describe('ISO 8601, +08:00'),
        state: z.string(),
        dueOn: day.nullable(),
        details: z.record(z.string(), z.unknown()),
      }),
    ),
    letters: z.array(
      z.object({
        id: z.number().int(),
        kind: z.string(),
        title: z.string(),
        documentNumber: z.string(),
        issuedOn: day,
        text: z.string(),
        servedOn: day.nullable().describe('the day the letter was served on the applicant (送达), or null while not recorded'),
      }),
    ),
    releasedFiles: z.array(z.object({ id: z.string(), filename: z.string(), size: z.number().int(), mime: z.string() })),
    correctionDueOn: day.nullable().describe('art. 30: the last day to correct the application, while a correction is awaited'),
    paymentDueOn: day.nullable().describe('the last day to pay the fee, while it is awaited'),
    dueFromIssue: z
      .boolean()
      .describe(
        'the correction or payment period runs from the day the notice was received; true while that day is not recorded and the date counts, provisionally, from its issue',
      ),
    reasonsRequested: z.object({ replyBy: day.nullable() }).nullable().describe('art. 35: the agency awaits the applicant’s reasons'),
  })
  .meta({ id: 'ApplicantView' });

export const accessCodeQuery = z.object({ accessCode: z.string().optional() });
export const accessCodeField = { accessCode: z.string().describe('the access code of the request') };
