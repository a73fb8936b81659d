// One schema for PGlite and PostgreSQL 15; drizzle-kit generates db/migrations from it.
// Keep to PostgreSQL 15 features: PGlite is newer than the server we run on.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  // PGlite hands back a Uint8Array, postgres.js a Buffer.
  fromDriver: (value) => Buffer.from(value),
  toDriver: (value) => value,
});

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const day = (name: string) => date(name, { mode: 'string' });
const createdAt = () => instant('created_at').notNull().defaultNow();

/**
 * A government the installation serves (province, city, district/county, township/street): its own
 * portal title, mail footer and public address, and its agencies. Data, not code: one installation
 * serves a district, a city with its districts or a province (docs/jurisdictions.md).
 */
export const jurisdictions = pgTable('jurisdictions', {
  id: serial('id').primaryKey(),
  /** The GB/T 2260 administrative division code (6 digits; a township's 9-digit statistical code). */
  code: text('code').notNull().unique(),
  /** The full name, e.g. 某某市某某区. */
  name: text('name').notNull(),
  /** The name in titles and reports, e.g. 某某区. */
  shortName: text('short_name').notNull(),
  level: text('level').$type<'province' | 'city' | 'county' | 'township'>().notNull(),
  parentId: integer('parent_id').references((): AnyPgColumn => jurisdictions.id),
  portalTitle: text('portal_title').notNull(),
  mailFooter: text('mail_footer').notNull(),
  /** Its own address (https://…), used in its mails, letters and verification links; empty: PUBLIC_URL. */
  publicUrl: text('public_url').notNull().default(''),
  /** A host name that shows this jurisdiction's portal, e.g. ysq.example.gov.cn. */
  host: text('host').unique(),
  createdAt: createdAt(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

export const agencies = pgTable('agencies', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  /** Prefix of the agency's tracking numbers. */
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  /** Abbreviation used in letter numbers (文号), e.g. 雨发改. */
  shortName: text('short_name').notNull(),
  kind: text('kind').$type<'government' | 'department'>().notNull(),
  jurisdictionId: integer('jurisdiction_id')
    .notNull()
    .references(() => jurisdictions.id),
  /** A 直属单位 sits under a department. */
  parentAgencyId: integer('parent_agency_id').references((): AnyPgColumn => agencies.id),
  officeName: text('office_name').notNull(),
  address: text('address').notNull(),
  postcode: text('postcode').notNull(),
  officeHours: text('office_hours').notNull(),
  phone: text('phone').notNull(),
  fax: text('fax').notNull(),
  email: text('email').notNull(),
  website: text('website').notNull(),
  /** Body that hears 行政复议 against this agency's answers (since 2024 normally the government at the same level). */
  reviewBody: text('review_body').notNull(),
  /** Court for 行政诉讼. */
  court: text('court').notNull(),
  /** 行政复议法 art. 22(2): where the review body takes applications online; letters served electronically name it. */
  reviewOnline: text('review_online').notNull().default(''),
  /** How to pay a processing fee (非税收入 channel, 缴款码, or the office): stated by fee notices and the tracking page. */
  paymentInstructions: text('payment_instructions').notNull().default(''),
  /** Art. 17, as the agency organises its review: a 保密审查 before a disclosure is signed; two signatures (审核, 签发). */
  secrecyReview: boolean('secrecy_review').notNull().default(false),
  secondSigner: boolean('second_signer').notNull().default(false),
  retiredAt: instant('retired_at'),
  createdAt: createdAt(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

/**
 * An agency's seal as a PNG, uploaded by an administrator: printed on its issued letters only. A table
 * of its own, so that the many reads of agency rows never carry an image.
 */
export const agencySeals = pgTable('agency_seals', {
  agencyId: integer('agency_id')
    .primaryKey()
    .references(() => agencies.id),
  png: bytea('png').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const staff = pgTable('staff', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role').$type<'admin' | 'supervisor' | 'clerk' | 'overseer'>().notNull(),
  agencyId: integer('agency_id').references(() => agencies.id),
  /** A jurisdiction's OGI office (政务公开办, role `overseer`): sees its and its children's agencies' cases. */
  jurisdictionId: integer('jurisdiction_id').references(() => jurisdictions.id),
  passwordHash: text('password_hash').notNull(),
  /** The password was given by another (an administrator's reset or new account on the administration page, the generated first administrator): changed before anything else. */
  passwordChangeRequired: boolean('password_change_required').notNull().default(false),
  disabledAt: instant('disabled_at'),
  createdAt: createdAt(),
});

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id),
    kind: text('kind').$type<'api' | 'web'>().notNull(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    /** A page session's last use (to the minute): one unused for SESSION_IDLE_MINUTES has ended. */
    lastSeenAt: instant('last_seen_at').notNull().defaultNow(),
  },
  (t) => [index('sessions_staff_idx').on(t.staffId)],
);

/**
 * Attempts per scope and key in the window that began with the first of them
 * (src/throttling/attempt-windows.ts): sign-ins per e-mail address (known to an account or not) and
 * per client, wrong access codes per tracking number. Shared by every instance, so that neither
 * several instances nor many client addresses multiply what one key can be tried.
 */
export const attemptWindows = pgTable(
  'attempt_windows',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    attempts: integer('attempts').notNull(),
    windowStartedAt: instant('window_started_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  holidays: jsonb('holidays').$type<string[]>().notNull(),
  workdays: jsonb('workdays').$type<string[]>().notNull(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
  updatedBy: integer('updated_by').references(() => staff.id),
});

/** One-time tokens of the public application form: a second submission of the same form finds the first case. */
export const submissionTokens = pgTable('submission_tokens', {
  token: text('token').primaryKey(),
  caseId: bigint('case_id', { mode: 'number' }).notNull(),
  createdAt: createdAt(),
});

/**
 * An applicant who lost the access code asked for a new one (issue 33): a one-time link is mailed to
 * the e-mail address on file; the old code keeps working until the link is used. Only the token's
 * SHA-256 is kept.
 */
export const accessCodeRecoveries = pgTable(
  'access_code_recoveries',
  {
    tokenHash: text('token_hash').primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('access_code_recoveries_case_idx').on(t.caseId, t.createdAt)],
);

export type ApplicantRecord = {
  kind: 'person' | 'organization';
  orgCategory: 'business' | 'research' | 'public_welfare' | 'legal_services' | 'other' | null;
  name: string;
  idType: 'resident_id' | 'passport' | 'other' | 'credit_code';
  idNumber: string;
  phone: string;
  email: string | null;
  address: string | null;
  /** SMS notices as well as e-mail (notifications/sms.ts); absent: only without an e-mail address. */
  smsNotices?: boolean;
};

/**
 * A case whose access code is stored as a bare hash, as before 2026-12-07 (requests/access-codes.ts):
 * the predicate of cases_bare_access_code_idx and of the query that reads through it.
 */
export const accessCodeBare = sql`access_code_hash not like 'h1:%'`;

/**
 * A case whose identity number is stored unsealed ('enc1:' is requests/personal-data.ts's prefix): the
 * predicate of cases_unsealed_idx and of the query that reads through it (the two must be the same).
 */
export const idNumberUnsealed = sql`(applicant->>'idNumber') not like 'enc1:%'`;

export const cases = pgTable(
  'cases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    trackingNumber: text('tracking_number').notNull().unique(),
    agencyId: integer('agency_id')
      .notNull()
      .references(() => agencies.id),
    accessCodeHash: text('access_code_hash').notNull(),
    channel: text('channel').notNull(),
    state: text('state').notNull(),
    /** Optimistic lock: every change to the case increments it. */
    version: integer('version').notNull(),
    /** The persisted workflow snapshot (state and context). */
    snapshot: jsonb('snapshot').notNull(),
    receivedOn: day('received_on').notNull(),
    /** Derived from the snapshot and the calendar; kept here to sort, filter and report. */
    dueOn: day('due_on'),
    dueProvisional: boolean('due_provisional').notNull(),
    clockStopped: boolean('clock_stopped').notNull(),
    assigneeId: integer('assignee_id').references(() => staff.id),
    /** The annual report's applicant column: person, business, research, public_welfare, legal_services, other_org. */
    applicantColumn: text('applicant_column').notNull(),
    applicantName: text('applicant_name').notNull(),
    applicant: jsonb('applicant').$type<ApplicantRecord>().notNull(),
    /** Hash of the applicant's identity document, to find the same applicant's other requests. */
    applicantKey: text('applicant_key').notNull(),
    description: text('description').notNull(),
    documentNumber: text('document_number'),
    purpose: text('purpose'),
    format: text('format').notNull(),
    delivery: text('delivery').notNull(),
    /** Art. 44: the applicant suggests the agency publish the information proactively. */
    suggestsPublication: boolean('suggests_publication').notNull().default(false),
    disposition: text('disposition'),
    concludedOn: day('concluded_on'),
    /** Processing fee (art. 42), kept here to count notices and amounts for the annual report. */
    feeAmountYuan: integer('fee_amount_yuan'),
    feeNoticeOn: day('fee_notice_on'),
    feePaidOn: day('fee_paid_on'),
    /** The case this one was forwarded from (art. 36(5)): at a level holding both agencies they are one application. */
    transferredFromId: bigint('transferred_from_id', { mode: 'number' }),
    /** An earlier answered request of the same applicant for similar information, found at intake (art. 36(6)). */
    possibleRepeatOfId: bigint('possible_repeat_of_id', { mode: 'number' }),
    /** The type of the decision awaiting the office head's sign-off (art. 17), from the snapshot: for the 待审签 list. */
    pendingDraft: text('pending_draft'),
    /** The open period whose letter is not yet served (workflow/deadlines.ts awaitingService): for the 送达待登记 list. */
    awaitingService: text('awaiting_service'),
    /** Art. 33: a clerk asked for an extension and the office head has not decided (the queue's 待审签 tab). */
    extensionAsked: boolean('extension_asked')
      .notNull()
      .generatedAlwaysAs(sql`coalesce(jsonb_typeof(snapshot #> '{context,extensionRequest}') = 'object', false)`),
    /** Art. 35: the applicant was asked for reasons and has not replied (the queue's 等待申请人 tab). */
    reasonsAsked: boolean('reasons_asked')
      .notNull()
      .generatedAlwaysAs(sql`coalesce(jsonb_typeof(snapshot #> '{context,reasonsRequest}') = 'object' and snapshot #>> '{context,reasonsRequest,repliedOn}' is null, false)`),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('cases_agency_due_idx').on(t.agencyId, t.dueOn, t.id),
    index('cases_state_due_idx').on(t.state, t.dueOn, t.id),
    index('cases_received_idx').on(t.receivedOn),
    index('cases_concluded_idx').on(t.concludedOn),
    index('cases_applicant_idx').on(t.applicantKey, t.receivedOn),
    // An applicant's answered requests, newest first: where a new request looks for its repeat (art. 36(6)).
    index('cases_applicant_answered_idx')
      .on(t.applicantKey, t.agencyId, t.receivedOn)
      .where(sql`state = 'answered'`),
    index('cases_assignee_idx').on(t.assigneeId, t.dueOn, t.id),
    // Trigram indexes (pg_trgm): search by words of the description or the applicant's name, and
    // find similar requests (repeats, art. 44) without scanning every case.
    index('cases_description_trgm_idx').using('gin', sql`${t.description} gin_trgm_ops`),
    index('cases_applicant_name_trgm_idx').using('gin', sql`${t.applicantName} gin_trgm_ops`),
    // Empty once an installation has its key, so finding a number an instance without it wrote costs nothing.
    index('cases_unsealed_idx').on(t.id).where(idNumberUnsealed),
    // Empty once every access code stored bare is under the key (the access-codes job).
    index('cases_bare_access_code_idx').on(t.id).where(accessCodeBare),
    // The forwarded cases, which a report at a level holding both agencies leaves out (reports.repository.ts).
    // The 待审签 list: few rows at any time.
    index('cases_pending_draft_idx')
      .on(t.agencyId, t.dueOn, t.id)
      .where(sql`pending_draft is not null`),
    // The queue's tabs count and list open cases only, a small part of all at any time, in the
    // queue's order: an agency's, and every agency's (an administrator's, a jurisdiction office's).
    // Migration 0024 gives both INCLUDE (state, assignee_id, pending_draft, extension_asked, reasons_asked,
    // and agency_id to the second): the counts read the index alone.
    index('cases_open_idx')
      .on(t.agencyId, t.dueOn, t.id)
      .where(sql`state in ('received', 'assigned', 'awaiting_correction', 'consulting', 'awaiting_payment', 'overdue')`),
    index('cases_open_due_idx')
      .on(t.dueOn, t.id)
      .where(sql`state in ('received', 'assigned', 'awaiting_correction', 'consulting', 'awaiting_payment', 'overdue')`),
    // 已办结 across every agency (an administrator's, a jurisdiction office's), in the queue's order.
    index('cases_closed_due_idx')
      .on(t.dueOn, t.id)
      .where(sql`state in ('answered', 'closed')`),
    // The 送达待登记 list: few rows at any time.
    index('cases_awaiting_service_idx')
      .on(t.agencyId, t.id)
      .where(sql`awaiting_service is not null`),
    index('cases_transferred_from_idx')
      .on(t.transferredFromId)
      .where(sql`transferred_from_id is not null`),
  ],
);

/**
 * The character bigrams of a case's tracking number, applicant name and description, for the desk's
 * search (src/common/bigram-search.ts): kept by a trigger on cases (migration 0022) in a table of its
 * own, so the case row, updated at every step, stays narrow.
 */
export const caseSearch = pgTable(
  'case_search',
  {
    caseId: bigint('case_id', { mode: 'number' })
      .primaryKey()
      .references(() => cases.id, { onDelete: 'cascade' }),
    bigrams: text('bigrams').array().notNull(),
  },
  (t) => [index('case_search_bigrams_idx').using('gin', t.bigrams)],
);

export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    on: day('on').notNull(),
    at: instant('at').notNull(),
    actorKind: text('actor_kind').$type<'staff' | 'system' | 'applicant'>().notNull(),
    actorId: integer('actor_id').references(() => staff.id),
    stateAfter: text('state_after').notNull(),
    /** The answer deadline once this entry took effect, to show how it moved. */
    dueOnAfter: day('due_on_after'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [uniqueIndex('case_events_case_seq_idx').on(t.caseId, t.seq)],
);

/** `to_release`: attached to an answer still awaiting sign-off; `returned`: to a draft the office head sent back. */
export type AttachmentRole = 'application' | 'correction' | 'released' | 'to_release' | 'returned' | 'service_proof' | 'working' | 'redacted';

export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    /** `application`: filed by the applicant; `correction`: sent with a correction (art. 30); `released`: given to the applicant with an answer. */
    role: text('role').$type<AttachmentRole>().notNull(),
    filename: text('filename').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('attachments_case_idx').on(t.caseId)],
);

/** One mark of a redaction: where (page from 1, points from the top left; pixels for an image), why, and the text searched for, if any. */
export type RedactionMark = { page: number; x: number; y: number; width: number; height: number; ground: string; text?: string };

/**
 * A redacted copy (art. 37) of a case's document: the copy is an attachment of its own (role
 * `redacted`, staff only until released with an answer), the original stays as it was. The marks are
 * the record of what was withheld and why: the answer letter lists them.
 */
export const redactions = pgTable(
  'redactions',
  {
    id: serial('id').primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => attachments.id),
    resultId: uuid('result_id')
      .notNull()
      .unique()
      .references(() => attachments.id),
    marks: jsonb('marks').$type<RedactionMark[]>().notNull(),
    createdBy: integer('created_by').references(() => staff.id),
    createdAt: createdAt(),
  },
  (t) => [index('redactions_case_idx').on(t.caseId)],
);

/**
 * A stored file's content in chunks of 256 KiB (requests/attachments.repository.ts, CHUNK_BYTES), written
 * and read one at a time: a 10 MB file is never one buffer, to store or to send (docs/security.md, D4).
 * Stored uncompressed (migration 0014: `storage external`): attachments are PDFs, images and zip
 * archives already, and compressing them again cost time for nothing.
 */
export const attachmentChunks = pgTable(
  'attachment_chunks',
  {
    attachmentId: uuid('attachment_id')
      .notNull()
      .references(() => attachments.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.attachmentId, t.seq] })],
);

export const timers = pgTable(
  'timers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    kind: text('kind').notNull(),
    /** The last day of the period; the timer fires once that day is over in Asia/Shanghai. */
    dueOn: day('due_on').notNull(),
    fireAt: instant('fire_at').notNull(),
    status: text('status').$type<'pending' | 'done' | 'canceled'>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    result: text('result'),
    createdAt: createdAt(),
    doneAt: instant('done_at'),
  },
  (t) => [
    uniqueIndex('timers_one_pending_per_kind_idx')
      .on(t.caseId, t.kind)
      .where(sql`status = 'pending'`),
    index('timers_due_idx')
      .on(t.fireAt)
      .where(sql`status = 'pending'`),
    // The timers that fired: a reminder made again by a later event on the case is not sent twice (timers.repository.ts).
    index('timers_fired_idx')
      .on(t.caseId, t.kind, t.fireAt)
      .where(sql`status = 'done' and result = 'applied'`),
  ],
);

export const letters = pgTable(
  'letters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    eventSeq: integer('event_seq').notNull(),
    kind: text('kind').notNull(),
    /** `applicant`, or `third_party` for 征求意见书 (not shown to the applicant). */
    recipient: text('recipient').notNull(),
    documentNumber: text('document_number').notNull(),
    issuedOn: day('issued_on').notNull(),
    title: text('title').notNull(),
    bodyHtml: text('body_html').notNull(),
    bodyText: text('body_text').notNull(),
    /** Printed on the letter with a QR code to /verify, where anyone holding a printout can compare it with the letter as issued. */
    verificationCode: text('verification_code').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('letters_case_event_kind_idx').on(t.caseId, t.eventSeq, t.kind), uniqueIndex('letters_verification_code_idx').on(t.verificationCode)],
);

/**
 * How and when an issued letter was served (送达), with its evidence: the postal tracking number, the
 * signed receipt (an attachment), the mail server's acceptance, the SMS delivery report, the first
 * opening on the portal. A letter may have several records; the earliest day is its service
 * (docs/statute.md §6). Kept as recorded: never changed or removed.
 */
export const letterServices = pgTable(
  'letter_services',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    letterId: bigint('letter_id', { mode: 'number' })
      .notNull()
      .references(() => letters.id),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    /** `post` | `in_person` | `email` | `sms` | `portal` (workflow/types.ts SERVICE_METHODS). */
    method: text('method').notNull(),
    servedOn: day('served_on').notNull(),
    /** The postal tracking number, the mail server's reply, the SMS provider's message id. */
    reference: text('reference'),
    proofAttachmentId: uuid('proof_attachment_id').references(() => attachments.id),
    /** Staff id; null when recorded by itself (a delivery channel, the applicant's first opening). */
    recordedBy: integer('recorded_by'),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [index('letter_services_case_idx').on(t.caseId), index('letter_services_letter_idx').on(t.letterId)],
);

/**
 * The applicant's view of a case (GET /api/requests/:tn) as JSON, stored once built and served
 * while the case row and its agency's row are still the versions it was built from: their `xmin`
 * (the transaction that wrote them) is kept beside it. Whatever changes what the view shows writes
 * the case row in the same transaction (the triggers of migration 0009 make it so for the timeline,
 * letters, files and timers), so a view found with the same `xmin` is the view anew. `format`
 * names the code that built it (src/requests/applicant-view.ts).
 */
export const applicantViews = pgTable('applicant_views', {
  caseId: bigint('case_id', { mode: 'number' })
    .primaryKey()
    .references(() => cases.id, { onDelete: 'cascade' }),
  caseXmin: bigint('case_xmin', { mode: 'number' }).notNull(),
  agencyXmin: bigint('agency_xmin', { mode: 'number' }).notNull(),
  format: text('format').notNull(),
  body: text('body').notNull(),
});

export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** (case, event, template, recipient): the same mail is never queued twice. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    /** `mail`, or `sms`: a text message to the applicant's mobile number (notifications/sms.ts). */
    channel: text('channel').$type<'mail' | 'sms'>().notNull().default('mail'),
    caseId: bigint('case_id', { mode: 'number' }).references(() => cases.id),
    /** The timeline entry whose letters to the applicant this notice carries: delivered, they are served (letter_services). */
    letterSeq: integer('letter_seq'),
    /** The SMS provider's id for the message, which its delivery report names. */
    providerRef: text('provider_ref'),
    /** An SMS's parts (tracking number, what happened, link), which a cloud provider's template fills in. */
    smsParams: jsonb('sms_params').$type<{ trackingNumber: string; notice: string; url: string }>(),
    template: text('template').notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    status: text('status').$type<'pending' | 'sent' | 'failed'>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    /** A worker's lease while it delivers; a crashed worker's lease runs out and the mail is taken up again. */
    lockedUntil: instant('locked_until'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    index('outbox_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'pending'`),
    index('outbox_provider_ref_idx')
      .on(t.providerRef)
      .where(sql`provider_ref is not null`),
  ],
);

export type GuideData = {
  officeName: string;
  address: string;
  postcode: string;
  officeHours: string;
  phone: string;
  fax: string;
  email: string;
  website: string;
  /** How the agency's information is classified and arranged (art. 12). */
  classification: string;
  /** Where proactively published information can be found. */
  proactiveChannels: string;
  /** How to mark a posted application. */
  envelopeMarking: string;
  reviewBody: string;
  court: string;
  serviceCommitments: string;
  /** How to pay a processing fee: the 非税收入 channel, 缴款码 or the office (absent in guides published before 2026-12). */
  paymentInstructions?: string;
  /** 行政复议法 art. 22(2): the review body's online channel for applications (absent in guides published before 2026-12-07). */
  reviewOnline?: string;
};

export const guideDrafts = pgTable('guide_drafts', {
  agencyId: integer('agency_id')
    .primaryKey()
    .references(() => agencies.id),
  data: jsonb('data').$type<GuideData>().notNull(),
  updatedAt: instant('updated_at').notNull(),
  updatedBy: integer('updated_by').references(() => staff.id),
});

/** Published guides are immutable; the public page shows the latest, earlier ones stay readable. */
export const guideVersions = pgTable(
  'guide_versions',
  {
    id: serial('id').primaryKey(),
    agencyId: integer('agency_id')
      .notNull()
      .references(() => agencies.id),
    version: integer('version').notNull(),
    data: jsonb('data').$type<GuideData>().notNull(),
    /**
     * The edition of the guide's fixed text (guide.document.ts) the version was published with: a
     * published version reads as it was published when that text changes. Versions published before
     * editions were kept are edition 1.
     */
    edition: integer('edition').notNull().default(1),
    publishedOn: day('published_on').notNull(),
    publishedAt: instant('published_at').notNull(),
    publishedBy: integer('published_by').references(() => staff.id),
  },
  (t) => [uniqueIndex('guide_versions_agency_version_idx').on(t.agencyId, t.version)],
);

/** 行政复议 and 行政诉讼 against an answer (table 四 of the annual report). */
export const reviews = pgTable(
  'reviews',
  {
    id: serial('id').primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    kind: text('kind').$type<'review' | 'lawsuit_direct' | 'lawsuit_after_review'>().notNull(),
    /** Against an answer or other decision, or against the failure to answer in time (行政复议法 art. 11(14)); both count in table 四. */
    against: text('against').$type<'decision' | 'failure_to_answer'>().notNull().default('decision'),
    filedOn: day('filed_on').notNull(),
    outcome: text('outcome').$type<'upheld' | 'corrected' | 'other' | 'pending'>().notNull(),
    decidedOn: day('decided_on'),
    note: text('note').notNull().default(''),
    createdBy: integer('created_by').references(() => staff.id),
    createdAt: createdAt(),
  },
  (t) => [index('reviews_case_idx').on(t.caseId), index('reviews_filed_idx').on(t.filedOn)],
);

/** A year's annual report, per agency or for the whole district; numbers are frozen when published. */
export const annualReports = pgTable(
  'annual_reports',
  {
    id: serial('id').primaryKey(),
    year: integer('year').notNull(),
    /** A jurisdiction's code (its agencies and its children's), an agency's slug, or `all` (every agency). */
    scope: text('scope').notNull(),
    status: text('status').$type<'draft' | 'published'>().notNull(),
    sections: jsonb('sections').$type<Record<string, string>>().notNull(),
    tables: jsonb('tables').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull(),
    publishedAt: instant('published_at'),
    publishedBy: integer('published_by').references(() => staff.id),
  },
  (t) => [uniqueIndex('annual_reports_year_scope_idx').on(t.year, t.scope)],
);

/** Answers an agency chose to publish for everyone (art. 44), without the applicant's data. */
export const publishedAnswers = pgTable(
  'published_answers',
  {
    id: serial('id').primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .unique()
      .references(() => cases.id),
    agencyId: integer('agency_id')
      .notNull()
      .references(() => agencies.id),
    title: text('title').notNull(),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    publishedOn: day('published_on').notNull(),
    publishedBy: integer('published_by').references(() => staff.id),
    createdAt: createdAt(),
    /** Taken down by the agency (a mistake, personal data found later): no longer listed or shown; kept as the record. */
    withdrawnAt: instant('withdrawn_at'),
    withdrawnBy: integer('withdrawn_by').references(() => staff.id),
    withdrawalReason: text('withdrawal_reason'),
    /** The released files (attachments of the case, role `released`) published with the answer. */
    files: uuid('files')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** 索引号 of the 政府信息公开目录: the agency's code, the year and a number of its own in the year (2026-00001). */
    indexNumber: text('index_number').unique(),
    /** The text layer of the published PDFs (art. 24: searchable), read when published. */
    filesText: text('files_text').notNull().default(''),
    /** The character bigrams of the title, question, answer and files' text (ogi_bigrams, migration 0022). */
    bigrams: text('bigrams')
      .array()
      .notNull()
      .generatedAlwaysAs(sql`ogi_bigrams(title || ' ' || question || ' ' || answer || ' ' || files_text)`),
  },
  (t) => [
    index('published_answers_agency_idx').on(t.agencyId, t.publishedOn),
    // The reading room's order (newest first: the index read backwards) and its count, over the items still published.
    index('published_answers_listed_idx')
      .on(t.publishedOn, t.id)
      .where(sql`withdrawn_at is null`),
    // The reading room's search (src/common/bigram-search.ts), the same bigrams as the desk's.
    index('published_answers_bigrams_idx').using('gin', t.bigrams),
  ],
);

/** Facts about this installation that every instance must agree on (e.g. which key seals personal data). */
export const settings = pgTable('settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});
