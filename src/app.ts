// Composes the application: database, context, plugins, then routes. Used by the server and by tests.
import cookie from '@fastify/cookie';
import type { DestinationStream } from 'pino';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { adminPages } from './admin/admin.pages.js';
import { queuesRoutes } from './admin/queues.routes.js';
import { guidePages } from './guide/guide.pages.js';
import { portalPages } from './portal/portal.pages.js';
import { publishedPages } from './published/published.pages.js';
import { reportRoutes } from './reports/reports.routes.js';
import { statsPages } from './reports/stats.pages.js';
import { agencyRoutes } from './agencies/agencies.routes.js';
import { jurisdictionRoutes } from './jurisdictions/jurisdictions.routes.js';
import { jurisdictionPages } from './jurisdictions/jurisdictions.pages.js';
import { onboardingRoutes } from './jurisdictions/onboarding.routes.js';
import { countAgencies } from './agencies/agencies.repository.js';
import { jurisdictionDirectory } from './jurisdictions/jurisdictions.service.js';
import { loadDemoData } from './jurisdictions/demo-data.js';
import { calendarCache, seedOfficialSchedules } from './calendar/calendar.repository.js';
import { calendarRoutes } from './calendar/calendar.routes.js';
import { systemClock, type Clock } from './calendar/clock.js';
import { caseRoutes } from './desk/desk.routes.js';
import { deskPages } from './desk/desk.pages.js';
import { queuePages } from './desk/queue.pages.js';
import { recoveryPages } from './portal/recovery.pages.js';
import { staffAccountPages } from './admin/staff-accounts.pages.js';
import { redactionRoutes } from './documents/redaction.routes.js';
import type { Config } from './config/config.js';
import { openToOthers } from './config/private-files.js';
import { personalDataKeySource } from './config/personal-data-key.js';
import type { AppContext } from './context.js';
import { openDatabase, type DatabaseHandle } from './db/client.js';
import { clientErrorHandler, errorHandler, wantsHtml } from './http/error-handler.js';
import { securityHeaders } from './http/security-headers.js';
import { byteBudgets, unlimitedBytes } from './throttling/byte-budgets.js';
import { removeAbandoned, removeStaged, stagingDir } from './uploads/staging.js';
import { AccessLog, loggerOptions } from './http/logging.js';
import { registerOpenApi } from './http/openapi.js';
import { registerViews } from './http/views.js';
import { fontLoader } from './documents/fonts.js';
import { signerLoader } from './documents/signing.js';
import { documentRoutes } from './documents/documents.routes.js';
import { sealRoutes } from './agencies/seal.routes.js';
import { healthRoutes } from './http/health.routes.js';
import { refuseIllFormedText } from './common/validation.js';
import { createMailer } from './notifications/mailer.js';
import { createSmsSender } from './notifications/sms.js';
import { smsRoutes } from './notifications/sms.routes.js';
import { createOutboxWorker, type OutboxWorker } from './notifications/outbox.worker.js';
import { MAIL_QUEUED } from './notifications/outbox.repository.js';
import { compileTemplates } from './render.js';
import { createNumbers } from './requests/numbers.js';
import { publishDefaultGuides } from './guide/guide.service.js';
import { ensurePersonalDataKey, personalDataJob } from './requests/personal-data.service.js';
import { ensureAccessCodeKey } from './requests/access-code-key.service.js';
import { wrapBareAccessCodes } from './requests/access-codes.js';
import { requestRoutes } from './requests/requests.routes.js';
import { ensureAdministrator, expireSignIns } from './staff/auth.service.js';
import { staffRoutes } from './staff/staff.routes.js';
import { staffPages } from './staff/staff.pages.js';
import { createScheduler, type Job, type Scheduler } from './jobs/scheduler.js';
import { createSweeper, type Sweeper } from './timers/sweeper.js';
import { clientLimits } from './throttling/client-limits.js';
import { randomBytes } from 'node:crypto';
import { rmdir } from 'node:fs/promises';
import path from 'node:path';
import { EventEmitter } from 'node:events';

export type Ogi = {
  ctx: AppContext;
  sweeper: Sweeper;
  outbox: OutboxWorker;
  scheduler: Scheduler;
  /** Seals identity numbers an instance without the key stored (with the timers). */
  personalData: Job;
  /** Set when this start created the first administrator with a generated password (print it once). */
  generatedAdmin: { email: string; password: string } | null;
  /** Set while shutting down: /ready answers 503. */
  draining: boolean;
};

declare module 'fastify' {
  interface FastifyInstance {
    ogi: Ogi;
  }
}

/**
 * Pages read with GET that carry nobody's data (home, guides, published answers and reports, the
 * empty application form, also as /apply/:slug but not /apply/done, and the empty tracking form) and
 * assets are left to the browser's defaults, so that going back to a half-filled form keeps what was
 * typed. Everything else may carry personal data or an access code (the API, a tracking answer, the
 * application's confirmation or its errors, the staff's pages with a revealed identity number) and
 * is sent with `Cache-Control: no-store`, so that no browser cache or proxy keeps it; a route that
 * sets its own header overrides it.
 */
const MAY_BE_STORED = /^\/(?:$|\?|guide(?:$|[/?])|published(?:$|[/?])|reports(?:$|[/?])|assets\/|apply(?:$|\?|\/(?!done\b)[\w-]+$)|track$)/;

export type BuildOptions = {
  config: Config;
  clock?: Clock;
  /** An already-open database (tests share one per file); otherwise opened from the config. */
  database?: DatabaseHandle;
  /** Where logs go (tests read them); stdout by default. */
  logStream?: DestinationStream;
};

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const headers = securityHeaders(config);
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    trustProxy: trustedProxies(config.trustProxy),
    bodyLimit: 1024 * 1024,
    // Unique across instances (random prefix per process) without a random draw per request.
    genReqId: requestIds(),
    logController: new AccessLog(),
    // Slow clients: a request must arrive within 2 minutes (large uploads included), headers within 20 s.
    requestTimeout: 120_000,
    // An idle keep-alive connection is closed after 5 s. Fastify sets the server's own value from
    // this option (its default 72 s), whatever `http` says.
    keepAliveTimeout: 5_000,
    http: { headersTimeout: 20_000 },
    // What Node's HTTP parser refuses (a request line or headers too long, a broken request) is
    // answered in our error shape, with the security headers.
    clientErrorHandler: clientErrorHandler(config),
    // What the router refuses before any hook (a broken escape, a path parameter over 100 characters).
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      headers(request.raw, reply.raw);
      return errorHandler(error, request, reply);
    },
  });

  // DATA_DIR holds personal data: the start says so if another user can read it (D14).
  if (!config.inMemoryDatabase) warnIfOpenToOthers(app, config);
  const keySource = personalDataKeySource(config);
  const database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, inMemory: config.inMemoryDatabase }));
  const ctx: AppContext = {
    config,
    db: database.db,
    dbKind: database.kind,
    numbers: createNumbers({ autonomousDb: database.autonomous }),
    clock: options.clock ?? systemClock,
    calendar: calendarCache(),
    log: app.log,
    letters: compileTemplates('letters'),
    mails: compileTemplates('mail'),
    pdfFonts: fontLoader(config),
    pdfSigner: signerLoader(config.pdfSigningDir),
    events: new EventEmitter(),
    personalDataKey: keySource.key,
    uploads: {
      dir: stagingDir(config),
      // On the app's clock: a test's budget refills only when the test moves time, however slow the machine.
      budgets:
        config.rateLimitPerMinute > 0
          ? byteBudgets({
              perMinute: config.uploadBytesPerMinute,
              perClientPerMinute: config.uploadBytesPerMinutePerClient,
              now: () => (options.clock ?? systemClock).now().getTime(),
            })
          : unlimitedBytes,
    },
    // Read from the database at start (below), before any request is taken.
    accessCodeKey: Buffer.alloc(0),
    personalDataKeyRetired: false,
    jurisdictions: jurisdictionDirectory(database.db),
  };

  // First start (or instances starting together): migrations, official schedules, demo agencies with
  // their guides and the first administrator, once, under the database's start-up lock.
  let generatedAdmin: { email: string; password: string } | null = null;
  try {
    await database.migrate(async () => {
      await ensurePersonalDataKey(ctx, keySource);
      ctx.accessCodeKey = await ensureAccessCodeKey(ctx);
      await seedOfficialSchedules(ctx.db);
      if (config.demoData && (await countAgencies(ctx.db)) === 0) {
        await loadDemoData(ctx.db, ctx.clock.now());
        await ctx.jurisdictions.reload();
        await publishDefaultGuides(ctx);
      }
      generatedAdmin = await ensureAdministrator(ctx);
    });
    // Known before any request: read inside transactions afterwards (jurisdictions.service.ts).
    await ctx.jurisdictions.reload();
  } catch (err) {
    if (!options.database) await database.close();
    throw err;
  }

  const abandoned = await removeAbandoned(ctx.uploads.dir, Date.now());
  if (abandoned) app.log.warn({ files: abandoned, dir: ctx.uploads.dir }, 'staged uploads left by a stopped process were removed');
  const sweeper = createSweeper(ctx);
  const mailer = createMailer(config);
  const outbox = createOutboxWorker(ctx, mailer, createSmsSender(config));
  const personalData: Job = { name: 'personal-data', runOnce: () => personalDataJob(ctx) };
  const scheduler = createScheduler({
    intervalMs: config.schedulerIntervalMs,
    log: app.log,
    jobs: [
      { name: 'timers', runOnce: sweeper.runOnce },
      { name: 'outbox', runOnce: outbox.runOnce },
      { name: 'sms-reports', runOnce: outbox.pullReports },
      personalData,
      { name: 'sign-ins', runOnce: () => expireSignIns(ctx) },
      { name: 'access-codes', runOnce: () => wrapBareAccessCodes(ctx) },
    ],
  });
  // Mail goes out as soon as what queued it is committed, not at the next interval.
  ctx.events.on(MAIL_QUEUED, () => scheduler.wake('outbox'));
  app.decorate('ogi', { ctx, sweeper, outbox, scheduler, personalData, generatedAdmin, draining: false });
  app.decorateRequest('principal', null);
  app.decorateRequest('stagedFiles', null);
  // Uploads staged while a request was read are removed once it is answered, or abandoned.
  const removeStagedOf = async (request: FastifyRequest) => {
    if (request.stagedFiles?.length) await removeStaged(request.stagedFiles.splice(0));
  };
  app.addHook('onResponse', removeStagedOf);
  app.addHook('onRequestAbort', removeStagedOf);
  app.decorateRequest('sessionToken', null);

  app.addHook('preClose', async () => {
    // Tell the load balancer first, so new requests go elsewhere while this instance drains.
    app.ogi.draining = true;
  });
  app.addHook('onClose', async () => {
    outbox.stop();
    sweeper.stop();
    await scheduler.stop();
    mailer.close();
    // An empty staging folder goes with the process (files a crash left are removed at a later start).
    await rmdir(ctx.uploads.dir).catch(() => {});
    if (!options.database) await database.close();
  });

  app.setErrorHandler(errorHandler);
  app.addHook('onRequest', (request, reply, done) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !MAY_BE_STORED.test(request.url)) reply.raw.setHeader('cache-control', 'no-store');
    headers(request.raw, reply.raw);
    done();
  });
  app.addHook('preValidation', refuseIllFormedText);
  // Every body is JSON, a form or multipart: plain text is refused as a type (415), not read as a string.
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);
  await app.register(formbody);
  await app.register(multipart);
  await app.register(rateLimit, { global: false });
  await registerViews(app, ctx);
  await registerOpenApi(app, ctx);

  const limits = clientLimits(app, config);
  await app.register(healthRoutes, { ctx });
  await app.register(agencyRoutes, { ctx });
  await app.register(jurisdictionRoutes, { ctx });
  await app.register(calendarRoutes, { ctx });
  await app.register(requestRoutes, { ctx, limits });
  await app.register(staffRoutes, { ctx, limits });
  await app.register(caseRoutes, { ctx });
  await app.register(staffPages, { ctx, limits });
  await app.register(deskPages, { ctx });
  await app.register(queuePages, { ctx });
  await app.register(queuesRoutes, { ctx });
  await app.register(portalPages, { ctx, limits });
  await app.register(recoveryPages, { ctx, limits });
  await app.register(guidePages, { ctx });
  await app.register(publishedPages, { ctx });
  await app.register(adminPages, { ctx });
  await app.register(staffAccountPages, { ctx });
  await app.register(jurisdictionPages, { ctx });
  await app.register(onboardingRoutes, { ctx });
  await app.register(reportRoutes, { ctx });
  await app.register(statsPages, { ctx });
  await app.register(documentRoutes, { ctx, limits });
  await app.register(redactionRoutes, { ctx });
  await app.register(sealRoutes, { ctx });
  await app.register(smsRoutes, { ctx });
  app.setNotFoundHandler((request, reply) => {
    const body = { error: 'not_found', message: '没有找到该页面或资源' };
    if (wantsHtml(request)) return reply.status(404).page('error', { title: body.message, message: '请检查网址是否正确。' });
    return reply.status(404).send(body);
  });
  return app;
}

/**
 * TRUST_PROXY as Fastify takes it. A number is that many hops: the socket's peer and the entries
 * before it, counted from the service outwards (proxy-addr's `(address, i) => i < n`, as Express does;
 * Fastify 5.12 itself treats a number as "trust nothing"). The service must then be reachable only
 * through the proxies (docs/security.md).
 */
function trustedProxies(trust: Config['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

function warnIfOpenToOthers(app: FastifyInstance, config: Config): void {
  for (const dir of [config.dataDir, path.join(config.dataDir, 'pgdata'), path.join(config.dataDir, 'mail')]) {
    if (openToOthers(dir)) app.log.warn({ dir }, `${dir} can be read by other users of this machine; it holds personal data: chmod 700 it`);
  }
}

function requestIds(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let next = 0;
  return () => `${prefix}-${(next++).toString(36)}`;
}
