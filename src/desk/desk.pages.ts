// The clerks' desk pages: the case page with the actions the workflow allows, letters, files, and
// registration of paper applications. Forms post with a CSRF token and the case version.
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Handlebars from 'handlebars';
import { today } from '../calendar/clock.js';
import { workingDayOnOrAfter } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import { publicUrlOf } from '../jurisdictions/jurisdictions.service.js';
import { findAgencyById } from '../agencies/agencies.repository.js';
import { listAgencies } from '../agencies/agencies.repository.js';
import { staffPage } from '../http/auth.js';
import { AppError, notFound } from '../common/errors.js';
import { sendFile } from '../http/files.js';
import { toErrorBody } from '../http/error-handler.js';
import { readForm } from '../http/multipart.js';
import { dropEmpty, textField } from '../common/validation.js';
import { recordServiceByStaff } from '../letters/service-records.service.js';
import { noticeOf, redirectWithNotice, refusalOf, refusalText } from '../http/views.js';
import { findLetter, listLetterTexts } from '../letters/letters.repository.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { applicationFormModel } from '../requests/application.form.js';
import { findCase } from '../requests/cases.repository.js';
import { attachmentContent, findAttachment } from '../requests/attachments.repository.js';
import { reissueAccessCode } from '../requests/access-codes.js';
import { registerApplication } from '../requests/intake.service.js';
import { applyStaffEvent, previewStaffEvent } from '../requests/workflow.service.js';
import { canSeeAgency, type Principal } from '../staff/principal.js';
import { listStaff } from '../staff/staff.repository.js';
import { addNote, caseView, findReadableCase, findVisibleCase, revealIdNumber } from './desk.service.js';
import { publishAnswer } from '../published/published.service.js';
import { casePageModel } from './desk.view.js';
import { whatWasDone } from './notices.js';

type WithTn = { Params: { trackingNumber: string } };

async function renderCase(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  trackingNumber: string,
  options: {
    revealedIdNumber?: string;
    reissued?: { accessCode: string; mailedTo: string | null };
    error?: { message: string; fields?: Record<string, string>; rule?: string };
    values?: Record<string, unknown>;
    reselect?: boolean;
    status?: number;
  } = {},
) {
  const principal = request.principal!;
  const row = await findReadableCase(ctx, principal, trackingNumber);
  const view = await caseView(ctx, principal, row);
  const readOnly = !canSeeAgency(principal, row.agencyId);
  const [staff, agencies, calendar] = await Promise.all([listStaff(ctx.db, row.agencyId), listAgencies(ctx.db), ctx.calendar(ctx.db)]);
  const todayDate = today(ctx.clock);
  const draftLetters = view.pendingDraft && !readOnly ? await draftPreview(ctx, principal, row.trackingNumber) : null;
  const model = casePageModel(view, {
    draftLetters,
    ...options,
    readOnly,
    staffOptions: staff.filter((s) => !s.disabledAt).map((s) => ({ id: s.id, name: s.name })),
    agencyOptions: agencies.map((a) => ({ slug: a.slug, name: a.name })),
    today: todayDate,
    // What the applicant sends online or by fax on a day off is received on the next working day (art. 31).
    latestReceivedOn: workingDayOnOrAfter({ date: todayDate, calendar }).date,
    isSupervisor: principal.role !== 'clerk',
  });
  // After an action: what was done and what follows, from the case as it now stands.
  const code = (request.query as { notice?: unknown }).notice;
  const notice = code === 'done' || code === 'signed' ? (whatWasDone(view) ?? noticeOf(request)) : noticeOf(request);
  return reply.status(options.status ?? 200).page('staff/case', { ...model, notice });
}

/** The letters the pending draft will issue when signed, as they will read; or why it can no longer be signed. */
async function draftPreview(ctx: AppContext, principal: Principal, trackingNumber: string) {
  try {
    return { letters: await previewStaffEvent(ctx, { trackingNumber, principal, input: { type: 'SIGN_OFF' } }), refusal: null };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { letters: [], refusal: err.message };
  }
}

/** What the desk tells the one who acted: signed, reviewed (the first of two signatures), returned, sent for sign-off, or done. */
function noticeAfter(type: string, pendingDraft: string | null): string {
  if (type === 'SIGN_OFF') return pendingDraft ? 'reviewed' : 'signed';
  if (type === 'RETURN_DRAFT') return 'returned';
  return pendingDraft === type ? 'drafted' : 'done';
}

export async function deskPages(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const staffOnlyPage = staffPage(ctx);

  app.get('/staff/cases/new', { preHandler: staffOnlyPage }, async (request, reply) => {
    const principal = request.principal!;
    const agencies = (await listAgencies(ctx.db)).filter((a) => principal.role === 'admin' || a.id === principal.agencyId);
    const values = { agency: agencies.length === 1 ? agencies[0]!.slug : '', receivedOn: today(ctx.clock) };
    return reply.page('staff/register', { title: '登记申请', form: applicationFormModel({ values, errors: {}, agencies, staff: true }) });
  });

  // Multipart (scanned paper applications): the CSRF token comes in the query string.
  app.post('/staff/cases/new', { preHandler: [staffOnlyPage, app.csrfProtection] }, async (request, reply) => {
    const principal = request.principal!;
    const { fields, uploads, refused, filesSent } = await readForm(ctx, request);
    try {
      const receipt = await registerApplication(ctx, { principal, input: dropEmpty(fields), uploads, refused });
      // The receipt to hand over or post, with the access code printed this once (it is stored only as a digest).
      const row = (await findCase(ctx.db, receipt.trackingNumber))!;
      const [letter] = await listLetterTexts(ctx.db, row.id, 'applicant');
      const todayDate = today(ctx.clock);
      return reply.page('staff/registered', {
        title: '申请已登记',
        receipt,
        receiptLetter: letter ?? null,
        trackUrl: `${await publicUrlOf(ctx, (await findAgencyById(ctx.db, row.agencyId))!)}/track`,
        receivedOnText: chineseDate(receipt.receivedOn),
        dueOnText: chineseDate(receipt.dueOn),
        // Registered late: the answer period has already run out (art. 33).
        overdue: receipt.dueOn !== null && receipt.dueOn < todayDate,
        caseUrl: `/staff/cases/${receipt.trackingNumber}`,
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const { status, body } = toErrorBody(err);
      const agencies = (await listAgencies(ctx.db)).filter((a) => principal.role === 'admin' || a.id === principal.agencyId);
      return reply.status(status).page('staff/register', {
        title: '登记申请',
        form: applicationFormModel({ values: fields, errors: body.fields ?? { _: body.message }, agencies, staff: true, filesSent }),
      });
    }
  });

  app.get<WithTn>('/staff/cases/:trackingNumber', { preHandler: staffOnlyPage }, async (request, reply) => renderCase(ctx, request, reply, request.params.trackingNumber));

  app.post<WithTn>('/staff/cases/:trackingNumber/events', { preHandler: [staffOnlyPage, app.csrfProtection] }, async (request, reply) => {
    const tn = request.params.trackingNumber.toUpperCase();
    const { fields, uploads, refused, filesSent } = await readForm(ctx, request);
    const input = dropEmpty(fields) as Record<string, unknown>;
    delete input._csrf;
    try {
      if (refused) throw refused;
      const row = await applyStaffEvent(ctx, { trackingNumber: tn, principal: request.principal!, input, uploads });
      const notice = noticeAfter(String(input.type), row.pendingDraft);
      return redirectWithNotice(reply, `/staff/cases/${tn}`, notice);
    } catch (err) {
      const { status, body } = refusalOf(err);
      // Refused or stale: show why, with the case as it is now and the form as it was filled in.
      return renderCase(ctx, request, reply, tn, {
        status,
        error: { message: body.message, fields: body.fields, rule: body.rule },
        values: { ...input, type: input.type },
        reselect: filesSent,
      });
    }
  });

  // Art. 44: the answer published to the reading room. Refused (personal data found, listed by place):
  // the case page again with what was typed and ticked, and why.
  app.post<WithTn>('/staff/cases/:trackingNumber/publish', { preHandler: [staffOnlyPage, app.csrfProtection] }, async (request, reply) => {
    const tn = request.params.trackingNumber.toUpperCase();
    const fields = { ...((request.body ?? {}) as Record<string, unknown>) };
    delete fields._csrf;
    try {
      const id = await publishAnswer(ctx, request.principal!, tn, fields);
      return redirectWithNotice(reply, `/published/${id}`, 'published');
    } catch (err) {
      const { status, body } = refusalOf(err);
      return renderCase(ctx, request, reply, tn, { status, error: { message: body.message, fields: body.fields, rule: body.rule }, values: { publication: fields } });
    }
  });

  // Before an action is sent: the letters it will issue, as they will read (the desk's confirmation
  // dialog, templates/assets/app.js). Nothing is written. An HTML fragment; a refusal is explained in it.
  app.post<WithTn>('/staff/cases/:trackingNumber/preview', { preHandler: [staffOnlyPage, app.csrfProtection] }, async (request, reply) => {
    const tn = request.params.trackingNumber.toUpperCase();
    const { fields, uploads, refused } = await readForm(ctx, request);
    const input = dropEmpty(fields) as Record<string, unknown>;
    delete input._csrf;
    let letters: Awaited<ReturnType<typeof previewStaffEvent>> = [];
    let refusal: string | null = null;
    try {
      if (refused) throw refused;
      letters = await previewStaffEvent(ctx, { trackingNumber: tn, principal: request.principal!, input, uploads });
    } catch (err) {
      refusal = refusalText(refusalOf(err).body);
    }
    const drafted = request.principal!.role === 'clerk' && ['ANSWER', 'TRANSFER', 'WITHDRAW'].includes(String(input.type));
    const head = refusal
      ? `<p class="field-error" role="alert">不能进行此操作：${Handlebars.escapeExpression(refusal)}</p>`
      : drafted
        ? '<p>提交后作为拟稿送负责人审签；审签后按下列内容编号发出。</p>'
        : letters.length
          ? '<p>确认后将按下列内容编号发出，发出后不能撤回。</p>'
          : '<p>此操作不发出文书。</p>';
    // The letters are our templates' HTML, their user text escaped when they were rendered.
    return reply.type('text/html; charset=utf-8').send(head + letters.map((l) => `<div class="letter-preview">${l.bodyHtml}</div>`).join(''));
  });

  app.post<WithTn>('/staff/cases/:trackingNumber/notes', { preHandler: [staffOnlyPage, app.csrfProtection] }, async (request, reply) => {
    const tn = request.params.trackingNumber.toUpperCase();
    const text = textField(request.body, 'text');
    try {
      await addNote(ctx, request.principal!, tn, { text });
    } catch (err) {
      const { status, body } = refusalOf(err);
      return renderCase(ctx, request, reply, tn, { status, error: { message: body.message, fields: body.fields }, values: { type: 'NOTE', text } });
    }
    return redirectWithNotice(reply, `/staff/cases/${tn}`, 'saved', 'timeline-h');
  });

  // How and when a letter was served (送达): by post with its tracking number, in person with the signed receipt.
  app.post<WithTn>('/staff/cases/:trackingNumber/service', { preHandler: [staffOnlyPage, app.csrfProtection] }, async (request, reply) => {
    const tn = request.params.trackingNumber.toUpperCase();
    const { fields, uploads, refused } = await readForm(ctx, request, 'proof');
    const input = dropEmpty(fields) as Record<string, unknown>;
    delete input._csrf;
    try {
      if (refused) throw refused;
      await recordServiceByStaff(ctx, { principal: request.principal!, trackingNumber: tn, letterId: String(input.letter ?? ''), input, uploads });
    } catch (err) {
      const { status, body } = refusalOf(err);
      return renderCase(ctx, request, reply, tn, { status, error: { message: body.message, fields: body.fields, rule: body.rule }, values: { ...input, type: 'SERVICE' } });
    }
    return redirectWithNotice(reply, `/staff/cases/${tn}`, 'served', 'letters-h');
  });

  app.post<WithTn>('/staff/cases/:trackingNumber/reveal', { preHandler: [staffOnlyPage, app.csrfProtection] }, async (request, reply) => {
    const idNumber = await revealIdNumber(ctx, request.principal!, request.params.trackingNumber);
    return renderCase(ctx, request, reply, request.params.trackingNumber, { revealedIdNumber: idNumber });
  });

  app.post<WithTn>('/staff/cases/:trackingNumber/access-code', { preHandler: [staffOnlyPage, app.csrfProtection] }, async (request, reply) => {
    try {
      const reissued = await reissueAccessCode(ctx, request.principal!, request.params.trackingNumber);
      return renderCase(ctx, request, reply, reissued.trackingNumber, { reissued });
    } catch (err) {
      const { status, body } = refusalOf(err);
      return renderCase(ctx, request, reply, request.params.trackingNumber, { status, error: { message: body.message } });
    }
  });

  app.get<WithTn & { Params: { id: string } }>('/staff/cases/:trackingNumber/letters/:id', { preHandler: staffOnlyPage }, async (request, reply) => {
    const row = await findVisibleCase(ctx, request.principal!, request.params.trackingNumber);
    const letter = /^\d{1,12}$/.test(request.params.id) ? await findLetter(ctx.db, row.id, Number(request.params.id)) : null;
    if (!letter) throw notFound('letters.not_found', '没有找到该文书');
    return reply.page('letter', { title: letter.title, letter, printable: true, backUrl: `/staff/cases/${row.trackingNumber}` });
  });

  app.get<WithTn & { Params: { id: string } }>('/staff/cases/:trackingNumber/attachments/:id', { preHandler: staffOnlyPage }, async (request, reply) => {
    const row = await findVisibleCase(ctx, request.principal!, request.params.trackingNumber);
    const file = /^[0-9a-f-]{36}$/.test(request.params.id) ? await findAttachment(ctx.db, row.id, request.params.id) : null;
    if (!file) throw notFound('attachments.not_found', '没有找到该附件');
    return sendFile(reply, file, attachmentContent(ctx.db, file.id));
  });
}
