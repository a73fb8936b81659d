// The applicant's view of a request: tracking number plus access code. An unknown number and a
// wrong code give the same answer, so neither can be probed.
import { toShanghaiIso } from '../calendar/dates.js';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { findAgencyById } from '../agencies/agencies.repository.js';
import { eventLabel, stateLabel } from '../cases/cases.service.js';
import { DISPOSITIONS, isDisposition } from '../workflow/dispositions.js';
import { listLetterTexts } from '../letters/letters.repository.js';
import { findCase, listAttachments, listTimeline, type CaseRow } from './cases.repository.js';
import { accessCodeMatches, hashAccessCode } from './intake.service.js';

// Internal steps the applicant is not told about.
const INTERNAL = new Set(['ASSIGN', 'ID_REVEALED', 'REMINDER', 'EXTENSION_REQUESTED']);
// What of a timeline entry's payload the applicant may see.
const PUBLIC_PAYLOAD = ['to', 'from', 'agencyName', 'receivedOn', 'workingDays', 'disposition', 'paidOn', 'repliedOn'];

const NOT_FOUND_MESSAGE = '没有找到与该申请编号和查询码相符的申请，请核对后重试';

export async function findTrackedCase(ctx: AppContext, trackingNumber: string, accessCode: string): Promise<CaseRow> {
  const row = await findCase(ctx.db, String(trackingNumber ?? '').trim().toUpperCase());
  // Hash even when the number is unknown, so both failures take the same time.
  const matches = row ? accessCodeMatches(String(accessCode ?? ''), row.accessCodeHash) : (hashAccessCode(String(accessCode ?? '')), false);
  if (!row || !matches) throw notFound('requests.not_found', NOT_FOUND_MESSAGE);
  return row;
}

export async function publicView(ctx: AppContext, row: CaseRow) {
  const [agency, timeline, files, letters] = await Promise.all([
    findAgencyById(ctx.db, row.agencyId),
    listTimeline(ctx.db, row.id),
    listAttachments(ctx.db, row.id),
    listLetterTexts(ctx.db, row.id, 'applicant'),
  ]);
  return {
    trackingNumber: row.trackingNumber,
    agency: { slug: agency!.slug, name: agency!.name },
    state: row.state,
    stateLabel: stateLabel(row.state),
    receivedOn: row.receivedOn,
    dueOn: row.dueOn,
    dueProvisional: row.dueProvisional,
    clockStopped: row.clockStopped,
    disposition: row.disposition,
    dispositionLabel: isDisposition(row.disposition) ? DISPOSITIONS[row.disposition].label : null,
    concludedOn: row.concludedOn,
    timeline: timeline
      .filter(({ event }) => !INTERNAL.has(event.type))
      .map(({ event }) => ({
        type: event.type,
        label: eventLabel(event.type),
        on: event.on,
        at: toShanghaiIso(event.at),
        state: event.stateAfter,
        dueOn: event.dueOnAfter,
        details: Object.fromEntries(PUBLIC_PAYLOAD.filter((k) => k in event.payload).map((k) => [k, event.payload[k]])),
      })),
    letters: letters.map((l) => ({ id: l.id, kind: l.kind, title: l.title, documentNumber: l.documentNumber, issuedOn: l.issuedOn, text: l.bodyText })),
    releasedFiles: files.filter((f) => f.role === 'released').map((f) => ({ id: f.id, filename: f.filename, size: f.size, mime: f.mime })),
  };
}

export async function lookupRequest(ctx: AppContext, args: { trackingNumber: string; accessCode: string }) {
  return publicView(ctx, await findTrackedCase(ctx, args.trackingNumber, args.accessCode));
}
