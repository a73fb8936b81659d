// Builds the whole app for a test file on a fresh database, with a manual clock and no rate limits.
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { manualClock } from '../../src/calendar/clock.js';
import type { Config } from '../../src/config/config.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import { openStartedDatabase, openTestDatabase, TEST_DATABASE_URL } from './test-databases.js';

export const ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };

/** A log destination that keeps each line written to it (testApp's `logStream`, with `logLevel` set). */
export function logCapture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

const TEST_PERSONAL_DATA_KEY = Buffer.alloc(32, 0x5a);

export function testConfig(overrides: Partial<Config> = {}): Config {
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: null,
    dataDir: '/nonexistent-test-data-dir',
    inMemoryDatabase: true,
    smtpUrl: null,
    mailFrom: 'no-reply@ogi.test',
    smsUrl: null,
    smsSecret: null,
    smsTemplate: null,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    demoData: true,
    schedulerIntervalMs: 60_000,
    publicUrl: 'http://ogi.test',
    rateLimitPerMinute: 0,
    uploadBytesPerMinute: 200 * 1024 * 1024,
    uploadBytesPerMinutePerClient: 100 * 1024 * 1024,
    logLevel: (process.env.TEST_LOG_LEVEL as Config['logLevel']) ?? 'silent',
    trustProxy: false,
    pdfFont: null,
    pdfTitleFont: null,
    pdfSigningDir: null,
    personalDataKey: null,
    personalDataPreviousKey: null,
    // scrypt at N=2^10 instead of 2^15: the hashes tests make cost about 3 ms instead of 100.
    passwordHashCost: 10,
    strictResponses: true,
    ...overrides,
  };
  // An in-memory PGlite gets a fixed key rather than one made up for the process, so that a database
  // cached from one test file's first start (startedDatabase) can be read by the next.
  if (!('personalDataKey' in overrides) && config.inMemoryDatabase && !config.databaseUrl) config.personalDataKey = TEST_PERSONAL_DATA_KEY;
  return config;
}

let sources: string | null = null;
/** A hash of everything an app's first start reads: the code, the templates, the migrations. */
function sourcesHash(): string {
  if (sources) return sources;
  const hash = createHash('sha256');
  for (const dir of ['src', 'templates', 'db/migrations']) {
    for (const file of (readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true }) as string[]).sort()) {
      const full = path.join(PROJECT_ROOT, dir, file);
      if (statSync(full).isFile()) hash.update(file).update(readFileSync(full));
    }
  }
  return (sources = hash.digest('hex'));
}

/**
 * A fresh database for one app. On PGlite it starts as the same app's first start left it (cached
 * by openStartedDatabase), unless the test watches the log (the first start's lines are part of
 * what it sees) or has no administrator password (the generated one is printed at first start).
 */
async function startedDatabase(t: Test, config: Config, now: string, cacheFirstStart: boolean) {
  if (TEST_DATABASE_URL || !cacheFirstStart || !config.adminPassword || !config.personalDataKey) return openTestDatabase(t);
  // What a first start reads from the configuration; nothing else in it changes the database.
  const { demoData, adminEmail, adminPassword, personalDataKey, personalDataPreviousKey, passwordHashCost, publicUrl } = config;
  const firstStart = {
    demoData,
    adminEmail,
    adminPassword,
    personalDataKey: personalDataKey.toString('hex'),
    personalDataPreviousKey: personalDataPreviousKey?.toString('hex'),
    passwordHashCost,
    publicUrl,
    now,
  };
  const key = createHash('sha256').update(JSON.stringify(firstStart)).digest('hex').slice(0, 16);
  return openStartedDatabase(t, key, sourcesHash().slice(0, 16), async (database) => {
    const first = await buildApp({ config, clock: manualClock(now), database });
    await first.close();
  });
}

/** Monday 2 March 2026, 10:00 in Shanghai: an ordinary working day. */
export const DEFAULT_NOW = '2026-03-02T02:00:00Z';

export async function testApp(
  t: Test,
  options: { now?: string; config?: Partial<Config>; database?: DatabaseHandle & { url: string | null }; logStream?: DestinationStream } = {},
) {
  const now = options.now ?? DEFAULT_NOW;
  const clock = manualClock(now);
  const config = testConfig(options.config);
  const database = options.database ?? (await startedDatabase(t, config, now, !options.logStream));
  const app = await buildApp({ config, clock, database, logStream: options.logStream });
  t.teardown(() => app.close());
  return { app, clock, db: database.db, ctx: app.ogi.ctx, database };
}

export type Api = {
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
};

export function api(app: FastifyInstance, token?: string): Api {
  const call = (method: InjectOptions['method'], url: string, body?: unknown) =>
    app.inject({ method, url, payload: body as InjectOptions['payload'], headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { get: (url) => call('GET', url), post: (url, body) => call('POST', url, body ?? {}), put: (url, body) => call('PUT', url, body ?? {}) };
}

export async function login(app: FastifyInstance, email: string, password: string): Promise<string> {
  const res = await api(app).post('/api/auth/login', { email, password });
  if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
  return res.json().token as string;
}

let staffCounter = 0;

/**
 * Creates a staff account through the API and returns a client signed in as it. Tests move the clock
 * by days, past the 12-hour session: the client then signs in again, as the person would.
 */
export async function staffClient(app: FastifyInstance, role: 'admin' | 'supervisor' | 'clerk', agency?: string) {
  const admin = api(app, await login(app, ADMIN.email, ADMIN.password));
  staffCounter += 1;
  const email = `${role}${staffCounter}.${agency ?? 'all'}@test.local`;
  const password = `password-${staffCounter}-long`;
  const res = await admin.post('/api/staff', { email, password, name: `${role}${staffCounter}`, role, agency });
  if (res.statusCode !== 201) throw new Error(`create staff: ${res.statusCode} ${res.body}`);
  let token = await login(app, email, password);
  const call = async (method: 'get' | 'post' | 'put', url: string, body?: unknown) => {
    let reply = await api(app, token)[method](url, body);
    if (reply.statusCode === 401) {
      token = await login(app, email, password);
      reply = await api(app, token)[method](url, body);
    }
    return reply;
  };
  return {
    get: (url: string) => call('get', url),
    post: (url: string, body?: unknown) => call('post', url, body),
    put: (url: string, body?: unknown) => call('put', url, body),
    token: () => token,
    id: res.json().id as number,
    email,
    password,
  };
}
