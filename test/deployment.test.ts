// What an operator meets: configuration errors that name each variable, and the Dockerfile's essentials.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { PROJECT_ROOT } from '../src/config/paths.js';

t.test('configuration errors name each wrong variable', async (t) => {
  let error: unknown;
  try {
    loadConfig({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      SMTP_URL: 'not a url',
      RATE_LIMIT_PER_MINUTE: '-1',
      DEMO_DATA: 'maybe',
      ADMIN_EMAIL: 'x',
      LOG_LEVEL: 'loud',
      PERSONAL_DATA_KEY: 'secret-but-short',
    });
  } catch (err) {
    error = err;
  }
  t.ok(error instanceof ConfigError);
  const problems = (error as ConfigError).problems.join('\n');
  for (const variable of ['PORT', 'DATABASE_URL', 'SMTP_URL', 'RATE_LIMIT_PER_MINUTE', 'DEMO_DATA', 'ADMIN_EMAIL', 'LOG_LEVEL', 'PERSONAL_DATA_KEY'])
    t.match(problems, variable, `${variable} is named`);
  t.notMatch(problems, 'secret-but-short', 'a key is never echoed');
  t.same(loadConfig({ PERSONAL_DATA_KEY: 'ab'.repeat(32) }).personalDataKey, Buffer.alloc(32, 0xab));
  // What a configuration is refused for ('' when it is accepted).
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return '';
    } catch (err) {
      return (err as ConfigError).problems.join('\n');
    }
  };
  // SMS (docs/operations/sms.md): a gateway needs its signing secret, Tencent Cloud its app, sign and template.
  t.match(problemsOf({ SMS_URL: 'https://sms.gov.example/send' }), /SMS_SECRET/);
  t.match(problemsOf({ SMS_URL: 'tencent://AKID:very-secret@sms.tencentcloudapi.com?sdkAppId=1400' }), /signName, templateId/);
  t.notMatch(problemsOf({ SMS_URL: 'tencent://AKID:very-secret@sms.tencentcloudapi.com?sdkAppId=1400' }), 'very-secret', 'the secret key is not echoed');
  t.equal(problemsOf({ SMS_URL: 'ftp://x' }).startsWith('SMS_URL'), true);
  // Key rotation: the previous key must be a key, and there must be a new one to seal with.
  t.match(problemsOf({ PERSONAL_DATA_PREVIOUS_KEY: 'old-secret' }), /^PERSONAL_DATA_PREVIOUS_KEY: expected 64 hexadecimal digits/, 'a previous key that is not a key');
  t.notMatch(problemsOf({ PERSONAL_DATA_PREVIOUS_KEY: 'old-secret' }), 'old-secret', 'is not echoed either');
  t.match(
    problemsOf({ DATABASE_URL: 'postgres://x/y', PERSONAL_DATA_PREVIOUS_KEY: 'cd'.repeat(32) }),
    /PERSONAL_DATA_PREVIOUS_KEY is set but PERSONAL_DATA_KEY is not/,
    'PostgreSQL: a previous key without a new one',
  );
  t.match(problemsOf({ PERSONAL_DATA_KEY: 'cd'.repeat(32), PERSONAL_DATA_PREVIOUS_KEY: 'CD'.repeat(32) }), /the same key as PERSONAL_DATA_KEY/, 'the same key twice');
  t.same(loadConfig({ PERSONAL_DATA_KEY: 'ab'.repeat(32), PERSONAL_DATA_PREVIOUS_KEY: 'cd'.repeat(32) }).personalDataPreviousKey, Buffer.alloc(32, 0xcd));
  t.same(loadConfig({ PERSONAL_DATA_PREVIOUS_KEY: 'cd'.repeat(32) }).personalDataPreviousKey, Buffer.alloc(32, 0xcd), 'the embedded database: its new key file is the new key');
  t.match(loadConfig({}), {
    port: 3000,
    host: '127.0.0.1',
    databaseUrl: null,
    demoData: true,
    schedulerIntervalMs: 60000,
    rateLimitPerMinute: 30,
    publicUrl: 'http://127.0.0.1:3000',
  });
});

t.test('the Dockerfile: production dependencies only, non-root, health check, data volume', async (t) => {
  const dockerfile = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  t.ok(stages.length >= 2, 'multi-stage');
  const final = stages.at(-1)!;
  t.match(final, /npm ci --omit=dev/, 'the final stage installs production dependencies only');
  t.match(final, /COPY patches [^\n]*\n(?:.*\n)*?RUN npm ci --omit=dev/, 'with the patches to dependencies (postinstall) in place before it installs them');
  t.notMatch(final, /npm ci(?! --omit=dev)|tsx |typescript/, 'and no build tooling');
  t.match(final, /^USER (?!root|0\b)\w+/m, 'runs as a non-root user');
  t.match(final, /^HEALTHCHECK [^\n]*\\?\n?[^\n]*\/health/m);
  t.match(final, /HOST=0\.0\.0\.0/);
  t.match(final, /^VOLUME \["?\/data"?\]/m);
  t.match(final, /DATA_DIR=\/data/);
  // What the code reads at run time beside itself (src/config/paths.ts), letters' fonts included.
  for (const dir of ['db', 'templates', 'assets']) t.match(final, new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'), `ships ${dir}/`);
  const compose = readFileSync(path.join(PROJECT_ROOT, 'compose.yaml'), 'utf8');
  t.match(compose, /postgres/);
  t.match(compose, /DATABASE_URL/);
  t.match(compose, /SMTP_URL/);
});
