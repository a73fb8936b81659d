// What the clerks' desk endpoints take and answer (src/http/openapi.ts): the queue, the case as staff
// see it, and the workflow events of POST /api/cases/{trackingNumber}/events, one body variant each.
import { z } from 'zod';
import { day, instant } from '../http/openapi.js';
import { clientEventSchema, expectedVersionSchema } from '../requests/event.schemas.js';
import { EVENT_LABELS } from '../workflow/labels.js';
import { ruleNamesFor } from '../workflow/rules.js';
import { CASE_STATES, CLIENT_EVENT_TYPES, SERVICE_METHODS } from '../workflow/types.js';

const state = z.enum(CASE_STATES);
const staffRef = z.object({ id: z.number().int(), name: z.string() });

export const queueSchema = z
  .object({
    items: z.array(
      z.object({
        trackingNumber: z.string(),
        state,
        stateLabel: z.string(),
        channel: z.string(),
        receivedOn: day,
        dueOn: day.nullable(),
        dueProvisional: z.boolean(),
        clockStopped: z.boolean(),
        applicantName: z.string(),
        description: z.string().describe('the first 120 characters'),
        agencySlug: z.string(),
        agencyName: z.string(),
        assigneeId: z.number().int().nullable(),
        assigneeName: z.string().nullable(),
        version: z.number().int(),
        pendingDraft: z.string().nullable().describe('the decision awaiting sign-off, if any (art. 17)'),
        awaitingService: z.string().nullable().describe('送达待登记: the open period (correction, payment, consultation) whose letter is not yet served'),
        workingDaysLeft: z.number().int().nullable(),
      }),
    ),
    nextCursor: z.string().nullable().describe('pass as `after` for the next page'),
  })
  .meta({ id: 'Queue' });

export const queueTabsSchema = z
  .object({ tabs: z.array(z.object({ key: z.string(), label: z.string(), count: z.number().int().nullable().describe('null for closed: an archive, not counted') })) })
  .meta({ id: 'QueueTabs' });

export const assignmentResultSchema = z.object({
  assigned: z.array(z.string()).describe('tracking numbers now assigned'),
  refused: z.array(z.object({ trackingNumber: z.string(), message: z.string() })).describe('those that could not be, and why'),
});

const consultation = z.object({
  party: z.string(),
  partyKind: z.enum(['third_party', 'agency']),
  matter: z.string(),
  startedOn: day,
  opinion: z.enum(['agree', 'object', 'no_reply']).nullable(),
  reasons: z.string().nullable(),
  repliedOn: day.nullable(),
  servedOn: day.nullable().optional().describe('the day the 征求意见书 was served; the 15 working days run from it'),
});

const deadline = z.object({
  receivedOn: day,
  clockStartOn: day.describe('receipt, or the corrected application’s arrival (art. 30)'),
  answerPeriod: z.number().int(),
  extension: z.object({ workingDays: z.number().int(), reason: z.string(), grantedOn: day, grantedBy: z.number().int().nullable() }).nullable(),
  extensionRequest: z.object({ workingDays: z.number().int(), reason: z.string(), requestedOn: day, requestedBy: z.number().int().nullable() }).nullable(),
  reasonsRequest: z.object({ matter: z.string(), requestedOn: day, replyBy: day, repliedOn: day.nullable().optional() }).nullable(),
  deferral: z.object({ dueOn: day, reason: z.string(), decidedOn: day, decidedBy: z.number().int().nullable() }).nullable(),
  stoppedPeriods: z.array(z.object({ reason: z.enum(['consultation', 'fee']), from: day, to: day.nullable(), workingDays: z.number().int() })),
  correction: z
    .object({
      requestedOn: day,
      items: z.array(z.string()),
      dueInWorkingDays: z.number().int(),
      receivedOn: day.nullable(),
      text: z.string().nullable().optional(),
      servedOn: day.nullable().optional().describe('the day the 补正告知书 was served; the period runs from it'),
    })
    .nullable(),
  consultations: z.array(consultation),
  fee: z
    .object({
      method: z.enum(['per_item', 'per_page']),
      quantity: z.number().int(),
      amountYuan: z.number(),
      noticeOn: day,
      paidOn: day.nullable(),
      servedOn: day.nullable().optional().describe('the day the fee notice was served; the 20 working days run from it'),
    })
    .nullable(),
  dueOn: day.nullable(),
  correctionDueOn: day.nullable(),
  consultationDueOn: day.nullable(),
  paymentDueOn: day.nullable(),
  provisional: z.boolean(),
});

export const caseSchema = z
  .object({
    trackingNumber: z.string(),
    agency: z.object({ slug: z.string(), name: z.string() }),
    channel: z.string(),
    state,
    stateLabel: z.string(),
    version: z.number().int().describe('send as expectedVersion with an event'),
    receivedOn: day,
    dueOn: day.nullable(),
    dueProvisional: z.boolean(),
    clockStopped: z.boolean(),
    workingDaysLeft: z.number().int().nullable(),
    deadline: deadline.describe('how the due date was reached'),
    applicant: z.object({
      kind: z.enum(['person', 'organization']),
      orgCategory: z.string().nullable(),
      name: z.string(),
      idType: z.string(),
      idNumber: z.string().describe('masked; revealing it is recorded (the desk’s 查看完整号码)'),
      phone: z.string(),
      email: z.string().nullable(),
      address: z.string().nullable(),
    }),
    description: z.string(),
    documentNumber: z.string().nullable(),
    purpose: z.string().nullable(),
    format: z.string(),
    delivery: z.string(),
    suggestsPublication: z.boolean(),
    assignee: staffRef.nullable(),
    disposition: z.string().nullable(),
    dispositionLabel: z.string().nullable(),
    concludedOn: day.nullable(),
    outcome: z
      .object({
        disposition: z.string(),
        concludedOn: day,
        reason: z.enum(['answered', 'withdrawn', 'transferred', 'no_correction', 'fee_unpaid']),
        transferredTo: z.string().nullable(),
      })
      .nullable(),
    attachments: z.array(z.object({ id: z.string(), role: z.string(), filename: z.string(), mime: z.string(), size: z.number().int(), createdAt: z.string() })),
    events: z
      .array(
        z.object({
          seq: z.number().int(),
          type: z.string(),
          label: z.string(),
          on: day,
          at: z.string(),
          actor: z.object({ kind: z.string(), id: z.number().int().nullable(), name: z.string(), role: z.string().nullable() }),
          stateAfter: z.string(),
          dueOnAfter: day.nullable(),
          payload: z.record(z.string(), z.unknown()),
        }),
      )
      .describe('the timeline'),
    letters: z.array(
      z.object({
        id: z.number().int(),
        kind: z.string(),
        recipient: z.string(),
        title: z.string(),
        documentNumber: z.string(),
        issuedOn: day,
        eventSeq: z.number().int().nullable(),
        url: z.string(),
        service: z
          .object({
            method: z.enum(SERVICE_METHODS),
            methodLabel: z.string(),
            servedOn: day.describe('the earliest record: the day the letter was served'),
            reference: z.string().nullable(),
            records: z.array(
              z.object({
                method: z.string(),
                methodLabel: z.string(),
                servedOn: day,
                reference: z.string().nullable(),
                proofAttachmentId: z.string().nullable(),
                proofFilename: z.string().nullable(),
                recordedBy: z.number().int().nullable(),
                recordedByName: z.string(),
                recordedAt: z.string(),
              }),
            ),
          })
          .nullable()
          .describe('how and when the letter was served (送达); null while not recorded'),
      }),
    ),
    awaitingService: z
      .enum(['correction', 'payment', 'consultation'])
      .nullable()
      .describe('the open period whose letter is not yet served: its due date counts from issue, provisionally, and draws no consequence'),
    possibleRepeatOf: z
      .object({ trackingNumber: z.string(), concludedOn: day.nullable(), disposition: z.string().nullable(), description: z.string() })
      .nullable()
      .describe('art. 36(6): the same applicant already had an answer to a similar request'),
    similarRequests: z
      .array(z.object({ trackingNumber: z.string(), state: z.string(), stateLabel: z.string(), receivedOn: day, description: z.string(), similarity: z.number() }))
      .describe('art. 44: other applicants asked for the same information'),
    transferredFrom: z.string().nullable(),
    publishedId: z.number().int().nullable(),
    reviews: z.array(reviewSchemaFields()),
    answerText: z.string().nullable(),
    pendingDraft: z
      .object({
        type: z.string().describe('the decision drafted: ANSWER, TRANSFER, WITHDRAW, or a closure the timers propose'),
        label: z.string(),
        disposition: z.string().optional(),
        draftedBy: z.number().int().nullable().describe('staff id; null when the timers proposed it'),
        draftedByName: z.string().nullable(),
        draftedAt: z.string().nullable(),
        reviewedBy: z.number().int().nullable().describe('where the agency asks for two signatures: who reviewed (审核); the next SIGN_OFF, by another, issues'),
        secrecyReview: z
          .object({ by: z.number().int().nullable(), on: day, conclusion: z.string() })
          .nullable()
          .describe('the 保密审查 of a disclosure, where the agency asks for it'),
        needs: z.object({ secrecyReview: z.boolean(), secondSignature: z.boolean() }),
      })
      .nullable()
      .describe('art. 17: a decision awaiting the office head’s SIGN_OFF or RETURN_DRAFT; nothing is issued until then'),
    allowedEvents: z.array(z.enum(CLIENT_EVENT_TYPES)).describe('the events the workflow and the statute allow this member of staff now'),
  })
  .meta({ id: 'Case' });

/** A review or lawsuit recorded against a case's answer (table 四). */
export function reviewSchemaFields() {
  return z.object({
    id: z.number().int(),
    caseId: z.number().int(),
    kind: z.enum(['review', 'lawsuit_direct', 'lawsuit_after_review']),
    against: z.enum(['decision', 'failure_to_answer']),
    filedOn: day,
    outcome: z.enum(['upheld', 'corrected', 'other', 'pending']),
    decidedOn: day.nullable(),
    note: z.string(),
    createdBy: z.number().int().nullable(),
    createdAt: instant,
  });
}

/**
 * The body of POST /api/cases/{trackingNumber}/events: one variant per event type, with the rules that
 * may refuse it (409 `rule`), and `expectedVersion` to refuse a stale page (409 optimistic_version).
 */
export const eventBodySchema = z
  .discriminatedUnion(
    'type',
    clientEventSchema.options.map((variant) => {
      const type = variant.shape.type.value;
      const rules = ['workflow_state_does_not_allow', ...ruleNamesFor(type)];
      return variant.extend(expectedVersionSchema.shape).meta({
        title: type,
        description: `${EVENT_LABELS[type]}. 409 rules: ${rules.join(', ')}; optimistic_version when expectedVersion is stale.`,
      });
    }) as unknown as [(typeof clientEventSchema.options)[number], ...(typeof clientEventSchema.options)[number][]],
  )
  .meta({ id: 'WorkflowEvent' });

export const reissuedAccessCodeSchema = z.object({
  trackingNumber: z.string(),
  accessCode: z.string().describe('shown once; the old one no longer works'),
  mailedTo: z.string().nullable().describe('the applicant’s e-mail it was sent to, if any'),
});
