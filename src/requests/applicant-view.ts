// What the applicant sees of a request (GET /api/requests/:tn, /track), built from what the
// database holds of the case. Pure: the bundle in, the view out.
import { createHash } from 'node:crypto';
import { toShanghaiIso } from '../calendar/dates.js';
import { DISPOSITIONS, isDisposition } from '../workflow/dispositions.js';
import { eventLabel, shownToApplicant, STATE_LABELS, stateLabel, TIMELINE } from '../workflow/labels.js';
import { OPEN_STATES, type CaseState } from '../workflow/types.js';

// What of a timeline entry's payload the applicant may see.
const PUBLIC_PAYLOAD = ['to', 'from', 'agencyName', 'receivedOn', 'workingDays', 'disposition', 'paidOn', 'repliedOn'];

/** Everything the applicant may see of a case, as one query reads it (applicant-views.repository.ts). */
export type Bundle = {
  tracking_number: string;
  state: string;
  received_on: string;
  due_on: string | null;
  due_provisional: boolean;
  clock_stopped: boolean;
  disposition: string | null;
  concluded_on: string | null;
  agency_slug: string;
  agency_name: string;
  /** The last day to correct the application (art. 30) or to pay the fee, while the agency waits for it. */
  applicant_due_on: string | null;
  /** docs/statute.md §6: the notice that set that date is not yet recorded as served; the date counts from its issue. */
  awaiting_service: string | null;
  /** Art. 35: the day by which the agency awaits the applicant's reasons, once it has asked for them. */
  reasons_reply_by: string | null;
  timeline: { type: string; on: string; at: string; state: string; dueOn: string | null; payload: Record<string, unknown> }[];
  files: { id: string; filename: string; size: number; mime: string }[];
  /** `servedOn`: the day the letter was served (its earliest service record), or null while none is recorded. */
  letters: { id: number; kind: string; title: string; documentNumber: string; issuedOn: string; text: string; servedOn: string | null }[];
};

/** Art. 35: the agency asked for reasons and none have come since. */
function reasonsAwaited(timeline: Bundle['timeline']): boolean {
  let awaited = false;
  for (const e of timeline) {
    if (e.type === 'REQUEST_REASONS') awaited = true;
    else if (e.type === 'REASONS_GIVEN') awaited = false;
  }
  return awaited;
}

export function applicantView(b: Bundle) {
  return {
    trackingNumber: b.tracking_number,
    agency: { slug: b.agency_slug, name: b.agency_name },
    state: b.state,
    stateLabel: stateLabel(b.state),
    receivedOn: b.received_on,
    dueOn: b.due_on,
    dueProvisional: b.due_provisional,
    clockStopped: b.clock_stopped,
    disposition: b.disposition,
    dispositionLabel: isDisposition(b.disposition) ? DISPOSITIONS[b.disposition].label : null,
    concludedOn: b.concluded_on,
    timeline: b.timeline
      .filter((e) => shownToApplicant(e.type))
      .map((e) => ({
        type: e.type,
        label: eventLabel(e.type),
        on: e.on,
        at: toShanghaiIso(new Date(e.at)),
        state: e.state,
        dueOn: e.dueOn,
        details: Object.fromEntries(PUBLIC_PAYLOAD.filter((k) => k in e.payload).map((k) => [k, e.payload[k]])),
      })),
    letters: b.letters,
    releasedFiles: b.files,
    /** What the applicant must do by when, or the request is no longer processed: correct it (art. 30) or pay the fee (国办函〔2020〕109号). */
    correctionDueOn: b.state === 'awaiting_correction' ? b.applicant_due_on : null,
    paymentDueOn: b.state === 'awaiting_payment' ? b.applicant_due_on : null,
    /**
     * The period runs from the day the applicant received the notice (docs/statute.md §6). True while
     * that day is not recorded: the date above counts from the notice's issue, and nothing follows from it.
     */
    dueFromIssue: (b.state === 'awaiting_correction' || b.state === 'awaiting_payment') && b.awaiting_service !== null,
    /** Art. 35: the agency awaits the applicant's reasons, by this date. */
    reasonsRequested: OPEN_STATES.includes(b.state as CaseState) && reasonsAwaited(b.timeline) ? { replyBy: b.reasons_reply_by } : null,
  };
}

export type ApplicantView = ReturnType<typeof applicantView>;

/**
 * Everything the view is made with: the functions (by their text) and the words and lists they use.
 * A test (test/view-fences.test.ts) checks that every name this file imports or declares is here.
 */
const FINGERPRINTED = {
  applicantView,
  reasonsAwaited,
  shownToApplicant,
  toShanghaiIso,
  eventLabel,
  stateLabel,
  isDisposition,
  STATE_LABELS,
  TIMELINE,
  DISPOSITIONS,
  PUBLIC_PAYLOAD,
  OPEN_STATES,
};
export const FINGERPRINTED_NAMES = Object.keys(FINGERPRINTED);

/**
 * Names the code and the words a stored view was built with: a view stored by another version of
 * them is built anew, so a release that changes what the applicant sees (a label, a step no longer
 * internal) takes effect on every request at once.
 */
export const VIEW_FORMAT = createHash('sha256')
  .update(JSON.stringify(Object.entries(FINGERPRINTED).map(([name, value]) => [name, typeof value === 'function' ? String(value) : value])))
  .digest('hex')
  .slice(0, 16);
