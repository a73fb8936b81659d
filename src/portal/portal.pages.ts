// What citizens see: home with the agency directory, the application form and its confirmation,
// and the status lookup with letters and released files. Works without JavaScript.
import { randomBytes } from 'node:crypto';
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Site } from '../jurisdictions/jurisdictions.service.js';
import type { AppContext } from '../context.js';
import { findAgencyById, findAgencyBySlug, listAgencies } from '../agencies/agencies.repository.js';
import { sendFile } from '../http/files.js';
import { AppError, notFound } from '../common/errors.js';
import { toErrorBody } from '../http/error-handler.js';
import { readForm } from '../http/multipart.js';
import { isHttps, SESSION_COOKIE } from '../http/auth.js';
import type { ClientLimits } from '../throttling/client-limits.js';
import { dropEmpty, textField } from '../common/validation.js';
import { careMode, noticeOf, pageData, redirectWithNotice, refusalOf, refusalText } from '../http/views.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { today } from '../calendar/clock.js';
import { pastDue } from '../workflow/deadlines.js';
import { acknowledgmentStatus } from '../notifications/outbox.repository.js';
import { findLetter, listLetterTexts } from '../letters/letters.repository.js';
import { recordOpenedOnPortal } from '../letters/service-records.service.js';
import { applicationFormModel } from '../requests/application.form.js';
import { RESELECT_FILES, UPLOAD_RULES } from '../requests/attachments.js';
import { attachmentContent, findAttachment } from '../requests/attachments.repository.js';
import { DuplicateSubmission, submitApplication } from '../requests/intake.service.js';
import { correctByApplicant, explainByApplicant, findTrackedCase, lookupRequest, withdrawByApplicant } from '../requests/tracking.service.js';

const RECEIPT_COOKIE = 'ogi_receipt';
const HOME_CACHE_MS = 5000;
/** The most agencies a home page lists without a search (a province has thousands). */
const DIRECTORY_MAX = 200;
/** The form was sent before: the first submission's tracking number, for the confirmation page (never text from the URL). */
const ALREADY_COOKIE = 'ogi_already';
const TRACKING_NUMBER = /^[A-Z]{2,8}-\d{4}-\d{5,7}$/;

type TrackQuery = { trackingNumber?: string; accessCode?: string };

/** The agencies a page at this address offers: a jurisdiction's (and those below it) on its own address, else all. */
async function agenciesOfSite(ctx: AppContext, site: Site | undefined) {
  const [agencies, tree] = await Promise.all([listAgencies(ctx.db), ctx.jurisdictions.current()]);
  const at = site?.code ? tree.byCode(site.code) : undefined;
  return { agencies: at ? agencies.filter((a) => tree.within(a.jurisdictionId, at.id)) : agencies, tree, at };
}

async function renderApply(ctx: AppContext, reply: FastifyReply, values: unknown, errors: Record<string, string>, status = 200, filesSent = false) {
  const { agencies } = await agenciesOfSite(ctx, reply.request.site);
  return reply.status(status).page('apply', {
    title: '提出政府信息公开申请',
    form: applicationFormModel({ values, errors, agencies, filesSent }),
    formToken: randomBytes(16).toString('base64url'),
  });
}

export async function portalPages(app: FastifyInstance, { ctx, limits }: { ctx: AppContext; limits: ClientLimits }) {
  // The home page: the agencies by jurisdiction; on a jurisdiction's own address (/j/<code> or its
  // host name), that jurisdiction's and those below it.
  // The home page without a search, for visitors not signed in, is kept rendered for a few seconds per
  // jurisdiction address and care mode (the page most visited; a province lists 135 jurisdictions).
  // Once rendered, it is served as it is while one request renders it again: a burst of visitors
  // never renders it fifty times at once.
  const homes = new Map<string, { html: Buffer | null; until: number; rendering?: Promise<Buffer> }>();
  ctx.events.on('guide.published', () => homes.clear());
  ctx.events.on('jurisdictions.changed', () => homes.clear());
  const homeModel = async (request: FastifyRequest, q: string) => {
    const { agencies, tree, at } = await agenciesOfSite(ctx, request.site);
    const found = agencies.filter((a) => !q || a.name.includes(q) || a.officeName.includes(q));
    const shown = at ? tree.rows.filter((j) => tree.within(j.id, at.id)) : tree.rows;
    // A city or a province has hundreds or thousands of agencies: without a search, its page lists its
    // own and links to each jurisdiction below it, whose page lists theirs.
    const here = at ?? tree.root();
    const listed = q || found.length <= DIRECTORY_MAX || !here ? found : found.filter((a) => a.jurisdictionId === here.id);
    const depth = (id: number) => tree.depth(id) - (at ? tree.depth(at.id) : 0);
    return {
      title: at ? at.name : '首页',
      q,
      action: request.site?.home ?? '/',
      groups: shown
        .map((j) => ({
          code: j.code,
          name: j.name,
          agencies: listed.filter((a) => a.jurisdictionId === j.id).map((a) => ({ slug: a.slug, name: a.name, phone: a.phone, address: a.address })),
        }))
        .filter((g) => g.agencies.length),
      several: shown.length > 1,
      jurisdictions: shown.length > 1 ? shown.map((j) => ({ code: j.code, name: j.name, depth: depth(j.id) })) : [],
    };
  };
  const home = async (request: FastifyRequest<{ Querystring: { q?: string } }>, reply: FastifyReply) => {
    const q = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 50) : '';
    if (q || request.cookies[SESSION_COOKIE]) return reply.page('home', await homeModel(request, q));
    const key = `${request.site?.code ?? ''}:${request.site?.home ?? ''}:${careMode(request) ? 'care' : 'plain'}`;
    const send = (html: Buffer) => reply.type('text/html; charset=utf-8').header('vary', 'Cookie').send(html);
    const kept = homes.get(key);
    if (kept?.html && kept.until > Date.now()) return send(kept.html);
    if (!kept?.rendering) {
      const rendering = (async () => Buffer.from(await app.view('pages/home', pageData(reply, await homeModel(request, '')))))().then(
        (html) => (homes.set(key, { html, until: Date.now() + HOME_CACHE_MS }), html),
        (err: unknown) => {
          if (kept?.html) homes.set(key, { html: kept.html, until: kept.until });
          else homes.delete(key);
          throw err;
        },
      );
      rendering.catch(() => undefined);
      homes.set(key, { html: kept?.html ?? null, until: kept?.until ?? 0, rendering });
    }
    const entry = homes.get(key)!;
    return send(entry.html ?? (await entry.rendering!));
  };
  app.get('/', home);
  app.get<{ Params: { code: string }; Querystring: { q?: string } }>('/j/:code', async (request, reply) => {
    if (!request.site?.code) return reply.callNotFound();
    return home(request, reply);
  });

  app.get('/apply', async (_request, reply) => renderApply(ctx, reply, {}, {}));
  app.get<{ Params: { slug: string } }>('/apply/:slug', async (request, reply) => renderApply(ctx, reply, { agency: request.params.slug }, {}));

  // Multipart (attachments): the CSRF token travels in the query string.
  app.post('/apply', { onRequest: limits.submission, preHandler: app.csrfProtection }, async (request, reply) => {
    const { fields, uploads, refused, filesSent } = await readForm(ctx, request);
    const input = dropEmpty(fields) as Record<string, unknown>;
    const formToken = typeof input.formToken === 'string' && input.formToken.length <= 64 ? input.formToken : undefined;
    try {
      const receipt = await submitApplication(ctx, { input, uploads, formToken, refused });
      reply.setCookie(RECEIPT_COOKIE, `${receipt.trackingNumber}.${receipt.accessCode}`, {
        path: '/apply/done',
        httpOnly: true,
        sameSite: 'lax',
        secure: isHttps(ctx, request),
        maxAge: 15 * 60,
      });
      return reply.redirect('/apply/done', 303);
    } catch (err) {
      if (err instanceof DuplicateSubmission) {
        reply.setCookie(ALREADY_COOKIE, err.trackingNumber, { path: '/apply/done', httpOnly: true, sameSite: 'lax', secure: isHttps(ctx, request), maxAge: 15 * 60 });
        return reply.redirect('/apply/done', 303);
      }
      if (!(err instanceof AppError)) throw err;
      const { status, body } = toErrorBody(err);
      return renderApply(ctx, reply, fields, body.fields ?? { _: body.message }, status, filesSent);
    }
  });

  app.get('/apply/done', { onRequest: limits.accessCode }, async (request, reply) => {
    const [trackingNumber, accessCode] = (request.cookies[RECEIPT_COOKIE] ?? '').split('.');
    if (!trackingNumber || !accessCode) {
      // Shown only in the shape of a tracking number, from our own cookie: a link cannot put words on this page.
      const already = request.cookies[ALREADY_COOKIE] ?? '';
      return reply.page('apply-done', { title: '申请已提交', missing: true, already: TRACKING_NUMBER.test(already) ? already : null });
    }
    const row = await findTrackedCase(ctx, trackingNumber, accessCode);
    const [agency, [receipt]] = await Promise.all([findAgencyById(ctx.db, row.agencyId), listLetterTexts(ctx.db, row.id, 'applicant')]);
    return reply.page('apply-done', {
      title: '申请已提交',
      receipt: {
        trackingNumber: row.trackingNumber,
        accessCode,
        receivedOnText: chineseDate(row.receivedOn),
        dueOnText: chineseDate(row.dueOn),
        provisional: row.dueProvisional,
        agencyName: agency!.name,
      },
      letter: receipt ?? null,
      trackUrl: `/track?trackingNumber=${encodeURIComponent(trackingNumber)}&accessCode=${encodeURIComponent(accessCode)}`,
      email: row.applicant.email,
      // "已发送" only once the applicant's mail server has accepted it.
      mailSent: row.applicant.email ? (await acknowledgmentStatus(ctx.db, row.id)) === 'sent' : false,
    });
  });

  // A transferred request goes on under a new number at the agency it went to, opened with the same code.
  const relatedRequest = (details: Record<string, unknown>, accessCode: string) => {
    const [label, number] = typeof details.to === 'string' ? ['新申请编号', details.to] : typeof details.from === 'string' ? ['原申请编号', details.from] : [];
    return number ? { label, number, url: `/track?trackingNumber=${encodeURIComponent(number)}&accessCode=${encodeURIComponent(accessCode)}` } : null;
  };
  // A form on the tracking page sent back: the status to answer with, what went wrong, what was typed.
  type Refused = { status: number; error: string; text: string; reselect?: string | null };
  const trackPage = async (reply: FastifyReply, query: TrackQuery, extras: { notice?: string | null; withdrawal?: Refused; correction?: Refused; reasons?: Refused } = {}) => {
    const { trackingNumber, accessCode } = query;
    const withdrawal = extras.withdrawal ?? null;
    const correction = extras.correction ?? null;
    const reasons = extras.reasons ?? null;
    if (!trackingNumber && !accessCode) return reply.page('track', { title: '查询办理进度' });
    try {
      const view = await lookupRequest(ctx, { trackingNumber: trackingNumber ?? '', accessCode: accessCode ?? '' });
      const q = `trackingNumber=${encodeURIComponent(view.trackingNumber)}&accessCode=${encodeURIComponent(accessCode ?? '')}`;
      const letters = view.letters.map((l) => ({
        ...l,
        issuedOnText: chineseDate(l.issuedOn),
        servedOnText: l.servedOn ? chineseDate(l.servedOn) : null,
        url: `/track/letters/${l.id}?${q}`,
        pdfUrl: `/track/letters/${l.id}.pdf?${q}`,
      }));
      // A fee to pay: how, as the agency's guide states it (国办函〔2020〕109号).
      const agencyRow = await findAgencyBySlug(ctx.db, view.agency.slug, { includeRetired: true });
      const payment = view.paymentDueOn ? (agencyRow?.paymentInstructions ?? '') : null;
      // Art. 51 and 行政复议法 arts. 11(14), 23(1)(3): past the answer's due date, the applicant is told so and what to do.
      const overdue = pastDue(view, today(ctx.clock)) ? { reviewBody: agencyRow?.reviewBody ?? '', dueOnText: chineseDate(view.dueOn) } : null;
      return reply.status(withdrawal?.status ?? correction?.status ?? reasons?.status ?? 200).page('track', {
        title: `申请 ${view.trackingNumber} 的办理进度`,
        view,
        receivedOnText: chineseDate(view.receivedOn),
        dueOnText: chineseDate(view.dueOn),
        concludedOnText: chineseDate(view.concludedOn),
        correctionDueOnText: chineseDate(view.correctionDueOn),
        paymentDueOnText: chineseDate(view.paymentDueOn),
        // docs/statute.md §6: the period runs from receipt of the notice; until that day is recorded, from its issue.
        fromIssueNote: '（自您收到该文书之日起计算；收到日期尚未登记，暂按发出日期计算，登记后以收到日期为准）',
        paymentInstructions: payment || null,
        overdue,
        open: view.state !== 'answered' && view.state !== 'closed',
        awaitingCorrection: view.state === 'awaiting_correction',
        query: q,
        uploadRules: UPLOAD_RULES,
        correctionLetter: letters.find((l) => l.kind === 'correction_notice') ?? null,
        feeLetter: letters.find((l) => l.kind === 'fee_notice') ?? null,
        timeline: view.timeline.map((e) => ({ ...e, onText: chineseDate(e.on), related: relatedRequest(e.details, accessCode ?? '') })),
        letters,
        files: view.releasedFiles.map((f) => ({ ...f, url: `/track/files/${f.id}?${q}`, sizeText: `${Math.max(1, Math.round(f.size / 1024))} KB` })),
        trackingNumber: view.trackingNumber,
        accessCode,
        withdrawal,
        correction,
        reasons,
        reasonsReplyByText: chineseDate(view.reasonsRequested?.replyBy ?? null),
        reasonsLetter: letters.find((l) => l.kind === 'reasons_request') ?? null,
        notice: extras.notice ?? null,
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode !== 404) throw err;
      return reply.status(404).page('track', { title: '查询办理进度', error: err.message, trackingNumber: trackingNumber ?? '' });
    }
  };
  app.get<{ Querystring: TrackQuery }>('/track', { onRequest: limits.accessCode }, async (request, reply) => trackPage(reply, request.query, { notice: noticeOf(request) }));

  // The applicant withdraws the request from its tracking page, after ticking the confirmation.
  app.post<{ Body: Record<string, unknown> | null }>('/track/withdraw', { onRequest: limits.accessCode, preHandler: app.csrfProtection }, async (request, reply) => {
    // A field sent twice arrives as a list: read as missing.
    const [trackingNumber, accessCode, reason, confirm] = ['trackingNumber', 'accessCode', 'reason', 'confirm'].map((name) => textField(request.body, name)) as [
      string,
      string,
      string,
      string,
    ];
    const query = { trackingNumber, accessCode };
    if (confirm !== 'yes') return trackPage(reply, query, { withdrawal: { status: 400, error: '请勾选确认撤回', text: reason } });
    try {
      await withdrawByApplicant(ctx, { trackingNumber, accessCode, input: { reason } });
    } catch (err) {
      const { status, body } = refusalOf(err);
      return trackPage(reply, query, { withdrawal: { status, error: refusalText(body), text: reason } });
    }
    return redirectWithNotice(reply, `/track?trackingNumber=${encodeURIComponent(trackingNumber.trim().toUpperCase())}&accessCode=${encodeURIComponent(accessCode)}`, 'withdrawn');
  });

  // The applicant explains the requests, as the 说明理由告知书 asked (art. 35).
  app.post<{ Body: Record<string, unknown> | null }>('/track/reasons', { onRequest: limits.accessCode, preHandler: app.csrfProtection }, async (request, reply) => {
    const [trackingNumber, accessCode, text] = ['trackingNumber', 'accessCode', 'text'].map((name) => textField(request.body, name)) as [string, string, string];
    try {
      await explainByApplicant(ctx, { trackingNumber, accessCode, input: { text } });
    } catch (err) {
      const { status, body } = refusalOf(err);
      return trackPage(reply, { trackingNumber, accessCode }, { reasons: { status, error: refusalText(body), text } });
    }
    return redirectWithNotice(reply, `/track?trackingNumber=${encodeURIComponent(trackingNumber.trim().toUpperCase())}&accessCode=${encodeURIComponent(accessCode)}`, 'explained');
  });

  // The applicant sends the correction the 补正告知书 asked for (art. 30), with any documents. Multipart:
  // the CSRF token, the number and the code travel in the query string, so a refused upload still
  // shows the request's page.
  app.post<{ Querystring: TrackQuery }>('/track/correction', { onRequest: limits.accessCode, preHandler: app.csrfProtection }, async (request, reply) => {
    const [trackingNumber, accessCode] = ['trackingNumber', 'accessCode'].map((name) => textField(request.query, name)) as [string, string];
    let text = '';
    let reselect: string | null = null;
    try {
      const { fields, uploads, refused, filesSent } = await readForm(ctx, request);
      text = textField(fields, 'text');
      if (filesSent) reselect = RESELECT_FILES;
      if (refused) throw refused;
      await correctByApplicant(ctx, { trackingNumber, accessCode, input: { text }, uploads });
    } catch (err) {
      const { status, body } = refusalOf(err);
      return trackPage(reply, { trackingNumber, accessCode }, { correction: { status, error: refusalText(body), text, reselect } });
    }
    return redirectWithNotice(reply, `/track?trackingNumber=${encodeURIComponent(trackingNumber.trim().toUpperCase())}&accessCode=${encodeURIComponent(accessCode)}`, 'corrected');
  });

  app.get<{ Params: { id: string }; Querystring: TrackQuery }>('/track/letters/:id', { onRequest: limits.accessCode }, async (request, reply) => {
    const row = await findTrackedCase(ctx, request.query.trackingNumber ?? '', request.query.accessCode ?? '');
    const letter = /^\d{1,12}$/.test(request.params.id) ? await findLetter(ctx.db, row.id, Number(request.params.id)) : null;
    if (!letter || letter.recipient !== 'applicant') throw notFound('letters.not_found', '没有找到该文书');
    // The applicant's first opening of a letter on the portal serves it (docs/statute.md §6).
    await recordOpenedOnPortal(ctx, row, letter);
    return reply.page('letter', {
      title: letter.title,
      letter,
      printable: true,
      backUrl: `/track?trackingNumber=${encodeURIComponent(row.trackingNumber)}&accessCode=${encodeURIComponent(request.query.accessCode ?? '')}`,
    });
  });

  app.get<{ Params: { id: string }; Querystring: TrackQuery }>('/track/files/:id', { onRequest: limits.accessCode }, async (request, reply) => {
    const row = await findTrackedCase(ctx, request.query.trackingNumber ?? '', request.query.accessCode ?? '');
    const file = /^[0-9a-f-]{36}$/.test(request.params.id) ? await findAttachment(ctx.db, row.id, request.params.id) : null;
    // Only what the agency released; the application's own attachments stay with the agency.
    if (!file || file.role !== 'released') throw notFound('attachments.not_found', '没有找到该文件');
    return sendFile(reply, file, attachmentContent(ctx.db, file.id));
  });
}
