// Structured JSON logs with request ids and no personal data: identity numbers, phone numbers,
// e-mail addresses and access codes are masked wherever they appear, in fields or in messages.
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';

const PATTERNS: [RegExp, (m: string) => string][] = [
  // 18-character resident ID and credit codes
  [/\b[0-9A-Z]{2}\d{6}[0-9A-Z]{9}[0-9A-Z]\b|\b\d{17}[\dXx]\b/g, (m) => `${m.slice(0, 2)}***${m.slice(-2)}`],
  // e-mail addresses
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, (m) => `***@${m.split('@')[1]}`],
  // mainland mobile numbers
  [/(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)/g, (m) => `${m.slice(0, 3)}****${m.slice(-2)}`],
  // landlines such as 0731-52325091
  [/(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g, (m) => `${m.slice(0, 4)}****`],
  // access codes and CSRF tokens in query strings
  [/((?:accessCode|_csrf|token)=)[^&\s"]+/gi, (_m) => `${_m.split('=')[0]}=[redacted]`],
  // the same inside a percent-encoded address (a page's own address passed on, as the care-mode switch does)
  [/((?:accessCode|_csrf|token)%3D)(?:(?!%26)[^&\s"])+/gi, (m) => `${m.slice(0, m.toUpperCase().indexOf('%3D'))}%3D[redacted]`],
];

// Every pattern above needs a digit, an "@" or an "=": text without one is returned untouched, which
// is most of what a log line holds (methods, messages, codes).
const MAYBE_SECRET = /[\d@=]/;

export function scrub(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  return PATTERNS.reduce((s, [pattern, mask]) => s.replace(pattern, mask), text);
}

// Fields never logged, at any depth: the applicant as a whole, identity documents and contact details,
// credentials and the headers that carry them.
const REDACTED_KEYS = new Set(['applicant', 'idNumber', 'phone', 'email', 'password', 'authorization', 'cookie', 'set-cookie']);

/**
 * A statement's failure as the ORM words it, "Failed query: <sql>\nparams: <values>": the values are
 * an applicant's name, address, description, digests… none of which the patterns above can know. The
 * statement stays (it names no value), the values go.
 */
const withoutParams = (text: string) => text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, '\nparams: [redacted]');

/** A driver's message may quote the value it refused ('invalid input syntax for type integer: "张三"'). */
const withoutQuoted = (text: string) => text.replace(/"[^"]*"/g, '"[redacted]"');

/**
 * An error as logged: its message and stack without statement parameters, and the driver's error it
 * wraps (`cause`) by its code, message (quoted values out) and constraint, never its `detail` ("Key
 * (email)=(…) already exists"), `where` or parameters.
 */
function scrubError(error: Error): Record<string, unknown> {
  const cause = (error as { cause?: unknown }).cause;
  const driver = cause && typeof cause === 'object' ? (cause as { code?: unknown; message?: unknown; constraint?: unknown; constraint_name?: unknown }) : null;
  return {
    type: error.name,
    message: scrub(withoutParams(error.message)),
    stack: error.stack ? scrub(withoutParams(error.stack)) : undefined,
    code: (error as { code?: unknown }).code,
    ...(driver
      ? {
          cause: {
            code: driver.code,
            message: typeof driver.message === 'string' ? scrub(withoutQuoted(driver.message)) : undefined,
            constraint: driver.constraint ?? driver.constraint_name,
          },
        }
      : {}),
  };
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return scrubError(value);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  // Only plain data is walked. Fastify's request and reply objects go through their serializers (below);
  // walking them (sockets, server and all) cost three quarters of a lookup's time at LOG_LEVEL=info.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, REDACTED_KEYS.has(k) ? '[redacted]' : scrubValue(v, depth + 1)]));
}

export function loggerOptions(level: string, stream?: DestinationStream): FastifyServerOptions['logger'] {
  if (level === 'silent' && !stream) return false;
  return {
    level: level === 'silent' ? 'info' : level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, url: scrub(String(req.url ?? '')), id: req.id }),
    },
    formatters: { log: (object: Record<string, unknown>) => scrubValue(object) as Record<string, unknown> },
    hooks: {
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? scrub(a) : a)),
        );
      },
    },
  };
}

/**
 * One access-log line per request, when it has been answered (method, URL with secrets masked,
 * status, time), instead of Fastify's two: at LOG_LEVEL=info the second line took a lookup from 0.81
 * to 0.98 ms of CPU (README, Benchmarks).
 */
export class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
