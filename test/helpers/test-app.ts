// Builds the whole app for a test file on a fresh database, with a manual clock and no rate limits.
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { manualClock } from '../../src/calendar/clock.js';
import type { Config } from '../../src/config/config.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { openTestDatabase } from './test-databases.js';

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

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: null,
    dataDir: '/nonexistent-test-data-dir',
    inMemoryDatabase: true,
    smtpUrl: null,
    mailFrom: 'no-reply@ogi.test',
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
    personalDataKey: null,
    personalDataPreviousKey: null,
    // scrypt at N=2^10 instead of 2^15: the hashes tests make cost about 3 ms instead of 100.
    passwordHashCost: 10,
    strictResponses: true,
    ...overrides,
  };
}

/** Monday 2 March 2026, 10:00 in Shanghai: an ordinary working day. */
export const DEFAULT_NOW = '2026-03-02T02:00:00Z';

export async function testApp(
  t: Test,
  options: { now?: string; config?: Partial<Config>; database?: DatabaseHandle & { url: string | null }; logStream?: DestinationStream } = {},
) {
  const clock = manualClock(options.now ?? DEFAULT_NOW);
  const database = options.database ?? (await openTestDatabase(t));
  const app = await buildApp({ config: testConfig(options.config), clock, database, logStream: options.logStream });
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
