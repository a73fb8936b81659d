// The one validated configuration object (http-contract.md "Configuration"). Nothing else reads process.env.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { isEmailAddress } from '../common/email.js';
import { PASSWORD_HASH_COST } from '../staff/passwords.js';

export type Config = {
  port: number;
  host: string;
  /** PostgreSQL through postgres.js; null: embedded PGlite under dataDir (or in memory for tests). */
  databaseUrl: string | null;
  dataDir: string;
  /** Tests and benchmarks only: keep the embedded database in memory. */
  inMemoryDatabase: boolean;
  smtpUrl: string | null;
  mailFrom: string;
  /**
   * Where SMS notices go (notifications/sms.ts): null, files under DATA_DIR/sms; an http(s) URL, a
   * government's own SMS gateway, requests signed with `smsSecret`; `tencent://…`, Tencent Cloud SMS.
   */
  smsUrl: string | null;
  smsSecret: string | null;
  /** The gateway's template for our notices, passed through as `template` (SMS_TEMPLATE). */
  smsTemplate: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  demoData: boolean;
  schedulerIntervalMs: number;
  publicUrl: string;
  /** 0 turns the limits off, and every budget with them (docs/security.md). */
  rateLimitPerMinute: number;
  /** Bytes of uploads a minute, for the instance and for one client (UPLOAD_MB_PER_MINUTE, UPLOAD_MB_PER_MINUTE_PER_CLIENT). */
  uploadBytesPerMinute: number;
  uploadBytesPerMinutePerClient: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /**
   * Which X-Forwarded-* entries to believe (TLS terminates at a reverse proxy): false, the number of
   * proxy hops in front of the service, or the proxies' addresses (CIDR allowed), as Fastify's
   * `trustProxy` takes them. Never "every entry": a client could then choose its own address.
   */
  trustProxy: false | number | string[];
  /**
   * Seals identity numbers at rest (PERSONAL_DATA_KEY, 64 hex digits). Unset: the embedded database
   * keeps a key of its own under DATA_DIR; PostgreSQL stores the numbers unsealed (a warning at start).
   */
  personalDataKey: Buffer | null;
  /**
   * The key the numbers were sealed with until now (PERSONAL_DATA_PREVIOUS_KEY): a start that finds
   * the database sealed with it seals every number anew under the current key (key rotation).
   */
  personalDataPreviousKey: Buffer | null;
  /** Font files for PDFs (PDF_FONT: body, 仿宋; PDF_TITLE_FONT: titles, 小标宋); null: the bundled Noto Serif SC subset. */
  pdfFont: string | null;
  pdfTitleFont: string | null;
  /**
   * PDF_SIGNING_DIR: where an agency's signing certificate is kept, as `<slug>.p12` (PKCS#12) with its
   * passphrase in `<slug>.pass`; an agency with one signs its letters' PDFs. Null: no signatures.
   */
  pdfSigningDir: string | null;
  /** log2 of scrypt's N for new password hashes: 15 (no variable sets it; tests lower it to save time). */
  passwordHashCost: number;
  /**
   * Tests only (no variable sets it): a response holding a field its schema leaves out is an error
   * instead of being dropped, so every test checks the API's description (src/http/openapi.ts).
   */
  strictResponses: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有误 / invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/** A 32-byte key written as 64 hexadecimal digits (PERSONAL_DATA_KEY, the embedded database's key file), or null. */
export function keyFromHex(text: string): Buffer | null {
  return /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : null;
}

/**
 * TRUST_PROXY: unset or 0 (no proxy), a number of hops (1: one reverse proxy), or a comma-separated
 * list of the proxies' addresses or networks. `true` is refused: trusting every X-Forwarded-For
 * entry lets any client name its own address and walk past the per-client limits.
 */
function trustProxyOf(raw: string | undefined, problems: string[]): Config['trustProxy'] {
  if (raw === undefined || raw === '0' || raw === 'false') return false;
  if (/^[1-9]\d?$/.test(raw)) return Number(raw);
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const address = (s: string) => {
    const [ip, bits, ...rest] = s.split('/');
    const family = isIP(ip ?? '');
    return family !== 0 && rest.length === 0 && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
  };
  if (entries.length && entries.every(address)) return entries;
  problems.push(
    raw === 'true' || raw === '*'
      ? `TRUST_PROXY=${raw}: would trust every X-Forwarded-For entry, which clients can forge; give the number of proxies in front of the service (1 for one reverse proxy) or their addresses`
      : `TRUST_PROXY=${raw}: expected a number of proxies (1–99) or a comma-separated list of proxy addresses or networks (e.g. 10.0.0.5,10.1.0.0/16)`,
  );
  return false;
}

function signingDir(raw: string | undefined, problems: string[]): string | null {
  if (raw === undefined) return null;
  const dir = path.resolve(raw);
  if (!existsSync(dir)) problems.push(`PDF_SIGNING_DIR=${raw}: not a directory that exists`);
  return dir;
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${raw}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const url = (name: string, protocols: string[]) => {
    const raw = value(name);
    if (raw === undefined) return null;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) problems.push(`${name}: expected a ${protocols.join(' or ')} URL`);
    } catch {
      problems.push(`${name}: not a URL`);
    }
    return raw;
  };

  const port = integer('PORT', 3000, 0, 65535);
  const host = value('HOST') ?? '127.0.0.1';
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  const smsUrl = url('SMS_URL', ['http:', 'https:', 'tencent:']);
  const smsSecret = value('SMS_SECRET') ?? null;
  if (smsUrl && /^https?:/.test(smsUrl) && (!smsSecret || smsSecret.length < 16))
    problems.push('SMS_SECRET: the SMS gateway at SMS_URL needs a signing secret of at least 16 characters');
  if (smsUrl?.startsWith('tencent:') && URL.canParse(smsUrl)) {
    const t = new URL(smsUrl);
    const missing = ['sdkAppId', 'signName', 'templateId'].filter((k) => !t.searchParams.get(k));
    if (!t.username || !t.password) missing.unshift('SecretId:SecretKey@');
    if (missing.length) problems.push(`SMS_URL: a tencent:// URL needs ${missing.join(', ')} (docs/operations/sms.md)`);
  }
  const publicUrl = url('PUBLIC_URL', ['http:', 'https:']) ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;

  // MAIL_FROM may carry a display name ("政府信息公开平台 <no-reply@…>"): the operator writes it, not a client.
  const mailFrom = value('MAIL_FROM') ?? 'no-reply@ogi.localhost';
  if (!isEmailAddress(mailFrom.replace(/^[^<>]*<([^<>]*)>$/, '$1'))) problems.push(`MAIL_FROM=${mailFrom}: not an e-mail address`);
  const adminEmail = value('ADMIN_EMAIL')?.toLowerCase() ?? null;
  if (adminEmail && !isEmailAddress(adminEmail)) problems.push(`ADMIN_EMAIL=${adminEmail}: not one e-mail address`);
  const adminPassword = value('ADMIN_PASSWORD') ?? null;
  if (adminPassword && adminPassword.length < 10) problems.push('ADMIN_PASSWORD: at least 10 characters');
  if (adminPassword && !adminEmail) problems.push('ADMIN_PASSWORD is set but ADMIN_EMAIL is not');

  const demo = value('DEMO_DATA');
  if (demo !== undefined && demo !== '0' && demo !== '1') problems.push(`DEMO_DATA=${demo}: expected 0 or 1`);

  const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;
  const logLevel = (value('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!logLevels.includes(logLevel)) problems.push(`LOG_LEVEL=${logLevel}: expected one of ${logLevels.join(', ')}`);

  const keyText = value('PERSONAL_DATA_KEY');
  const personalDataKey = keyText === undefined ? null : keyFromHex(keyText);
  if (keyText !== undefined && !personalDataKey) problems.push('PERSONAL_DATA_KEY: expected 64 hexadecimal digits (32 bytes), e.g. from `openssl rand -hex 32`');
  const previousText = value('PERSONAL_DATA_PREVIOUS_KEY');
  const personalDataPreviousKey = previousText === undefined ? null : keyFromHex(previousText);
  if (previousText !== undefined && !personalDataPreviousKey)
    problems.push('PERSONAL_DATA_PREVIOUS_KEY: expected 64 hexadecimal digits (32 bytes), the key the numbers were sealed with until now');
  else if (personalDataPreviousKey && databaseUrl && keyText === undefined)
    problems.push('PERSONAL_DATA_PREVIOUS_KEY is set but PERSONAL_DATA_KEY is not: set it to the new key the numbers are to be sealed with');
  else if (personalDataPreviousKey && personalDataKey?.equals(personalDataPreviousKey))
    problems.push('PERSONAL_DATA_PREVIOUS_KEY: the same key as PERSONAL_DATA_KEY; to change keys, set PERSONAL_DATA_KEY to a new one');

  const fontFile = (name: string) => {
    const raw = value(name);
    if (raw === undefined) return null;
    const file = path.resolve(raw);
    if (!existsSync(file) || !/\.(ttf|otf)$/i.test(file)) problems.push(`${name}=${raw}: expected a TrueType or OpenType font file (.ttf, .otf) that exists`);
    return file;
  };

  const config: Config = {
    port,
    host,
    databaseUrl,
    dataDir: path.resolve(value('DATA_DIR') ?? './data'),
    inMemoryDatabase: false,
    smtpUrl,
    mailFrom,
    smsUrl,
    smsSecret,
    smsTemplate: value('SMS_TEMPLATE') ?? null,
    adminEmail,
    adminPassword,
    demoData: demo !== '0',
    schedulerIntervalMs: integer('SCHEDULER_INTERVAL_MS', 60_000, 100, 24 * 60 * 60 * 1000),
    publicUrl: publicUrl.replace(/\/+$/, ''),
    rateLimitPerMinute: integer('RATE_LIMIT_PER_MINUTE', 30, 0, 1_000_000),
    // Four full applications (5 files of 10 MB) a minute for the instance, two for one client.
    uploadBytesPerMinute: integer('UPLOAD_MB_PER_MINUTE', 200, 51, 100_000) * 1024 * 1024,
    uploadBytesPerMinutePerClient: integer('UPLOAD_MB_PER_MINUTE_PER_CLIENT', 100, 51, 100_000) * 1024 * 1024,
    logLevel,
    trustProxy: trustProxyOf(value('TRUST_PROXY'), problems),
    personalDataKey,
    personalDataPreviousKey,
    pdfFont: fontFile('PDF_FONT'),
    pdfTitleFont: fontFile('PDF_TITLE_FONT'),
    pdfSigningDir: signingDir(value('PDF_SIGNING_DIR'), problems),
    passwordHashCost: PASSWORD_HASH_COST,
    strictResponses: false,
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
