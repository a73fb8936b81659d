// Composes the application: database, context, plugins, then routes. Used by the server and by tests.
import cookie from '@fastify/cookie';
import helmet from 'helmet';
import type { DestinationStream } from 'pino';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { adminPages } from './admin/admin.pages.js';
import { queuesRoutes } from './admin/queues.routes.js';
import { guidePages } from './guide/guide.pages.js';
import { portalPages } from './portal/portal.pages.js';
import { publishedPages } from './published/published.pages.js';
import { reportRoutes } from './reports/reports.routes.js';
import { statsPages } from './reports/stats.pages.js';
import { agencyRoutes } from './agencies/agencies.routes.js';
import { countAgencies, insertAgencies } from './agencies/agencies.repository.js';
import { DEMO_AGENCIES } from './agencies/demo-agencies.js';
import { calendarCache, seedOfficialSchedules } from './calendar/calendar.repository.js';
import { calendarRoutes } from './calendar/calendar.routes.js';
import { systemClock, type Clock } from './calendar/clock.js';
import { caseRoutes } from './cases/cases.routes.js';
import { deskPages } from './cases/desk.pages.js';
import type { Config } from './config/config.js';
import { personalDataKeySource } from './config/personal-data-key.js';
import type { AppContext } from './context.js';
import { openDatabase, type DatabaseHandle } from './db/client.js';
import { errorHandler, wantsHtml } from './http/error-handler.js';
import { AccessLog, loggerOptions } from './http/logging.js';
import { registerViews } from './http/views.js';
import { healthRoutes } from './http/health.routes.js';
import { publicRateLimit } from './http/rate-limit.js';
import { refuseNulCharacters } from './http/validation.js';
import { createMailer } from './notifications/mailer.js';
import { createOutboxWorker, type OutboxWorker } from './notifications/outbox.worker.js';
import { MAIL_QUEUED } from './notifications/outbox.repository.js';
import { compileTemplates } from './render.js';
import { createNumbers } from './requests/numbers.js';
import { publishDefaultGuides } from './guide/guide.service.js';
import { ensurePersonalDataKey, personalDataJob } from './requests/personal-data.service.js';
import { requestRoutes } from './requests/requests.routes.js';
import { ensureAdministrator, expireSignIns } from './staff/auth.service.js';
import { staffRoutes } from './staff/staff.routes.js';
import { staffPages } from './staff/staff.pages.js';
import { createScheduler, type Job, type Scheduler } from './timers/scheduler.js';
import { createSweeper, type Sweeper } from './timers/sweeper.js';
import { randomBytes } from 'node:crypto';
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
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Unique across instances (random prefix per process) without a random draw per request.
    genReqId: requestIds(),
    logController: new AccessLog(),
    // Slow clients: a request must arrive within 2 minutes (large uploads included), headers within 20 s.
    requestTimeout: 120_000,
    http: { headersTimeout: 20_000, keepAliveTimeout: 5_000 },
  });

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
    events: new EventEmitter(),
    personalDataKey: keySource.key,
    personalDataKeyRetired: false,
  };

  // First start (or instances starting together): migrations, official schedules, demo agencies with
  // their guides and the first administrator, once, under the database's start-up lock.
  let generatedAdmin: { email: string; password: string } | null = null;
  try {
    await database.migrate(async () => {
      await ensurePersonalDataKey(ctx, keySource);
      await seedOfficialSchedules(ctx.db);
      if (config.demoData && (await countAgencies(ctx.db)) === 0) {
        await insertAgencies(ctx.db, DEMO_AGENCIES);
        await publishDefaultGuides(ctx);
      }
      generatedAdmin = await ensureAdministrator(ctx);
    });
  } catch (err) {
    if (!options.database) await database.close();
    throw err;
  }

  const sweeper = createSweeper(ctx);
  const mailer = createMailer(config);
  const outbox = createOutboxWorker(ctx, mailer);
  const personalData: Job = { name: 'personal-data', runOnce: () => personalDataJob(ctx) };
  const scheduler = createScheduler({
    intervalMs: config.schedulerIntervalMs,
    log: app.log,
    jobs: [{ name: 'timers', runOnce: sweeper.runOnce }, { name: 'outbox', runOnce: outbox.runOnce }, personalData, { name: 'sign-ins', runOnce: () => expireSignIns(ctx) }],
  });
  // Mail goes out as soon as what queued it is committed, not at the next interval.
  ctx.events.on(MAIL_QUEUED, () => scheduler.wake('outbox'));
  app.decorate('ogi', { ctx, sweeper, outbox, scheduler, personalData, generatedAdmin, draining: false });
  app.decorateRequest('principal', null);
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
    if (!options.database) await database.close();
  });

  app.setErrorHandler(errorHandler);
  // Security headers, built once (the @fastify/helmet wrapper rebuilt them on every request).
  const securityHeaders = helmet({
    // Pages carry no inline script or style; everything comes from this origin.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    // Tracking links carry the access code: never send it on to another site.
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: config.publicUrl.startsWith('https:') ? { maxAge: 15552000 } : false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !MAY_BE_STORED.test(request.url)) reply.raw.setHeader('cache-control', 'no-store');
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });
  app.addHook('preValidation', refuseNulCharacters);
  // Every body is JSON, a form or multipart: plain text is refused as a type (415), not read as a string.
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);
  await app.register(formbody);
  await app.register(multipart);
  await app.register(rateLimit, { global: false });
  await registerViews(app, ctx);

  const rate = publicRateLimit(config);
  await app.register(healthRoutes, { ctx });
  await app.register(agencyRoutes, { ctx });
  await app.register(calendarRoutes, { ctx });
  await app.register(requestRoutes, { ctx, rateLimit: rate });
  await app.register(staffRoutes, { ctx, rateLimit: rate });
  await app.register(caseRoutes, { ctx });
  await app.register(staffPages, { ctx, rateLimit: rate });
  await app.register(deskPages, { ctx });
  await app.register(queuesRoutes, { ctx });
  await app.register(portalPages, { ctx, rateLimit: rate });
  await app.register(guidePages, { ctx });
  await app.register(publishedPages, { ctx });
  await app.register(adminPages, { ctx });
  await app.register(reportRoutes, { ctx });
  await app.register(statsPages, { ctx });
  app.setNotFoundHandler((request, reply) => {
    const body = { error: 'not_found', message: '没有找到该页面或资源' };
    if (wantsHtml(request)) return reply.status(404).page('error', { title: body.message, message: '请检查网址是否正确。' });
    return reply.status(404).send(body);
  });
  return app;
}

function requestIds(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let next = 0;
  return () => `${prefix}-${(next++).toString(36)}`;
}
