// Parse untrusted input with a zod schema; failures become `validation.failed` with a Chinese message per field.
import { z } from 'zod';
import { validationFailed, type FieldMessages } from './errors.js';

type Issue = z.core.$ZodRawIssue;

function chineseMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? '此项必填' : '格式不正确';
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? '此项必填' : `至少需要 ${issue.minimum} 个字`;
      if (issue.origin === 'array') return `至少需要 ${issue.minimum} 项`;
      return `不能小于 ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `不能超过 ${issue.maximum} 个字`;
      if (issue.origin === 'array') return `最多 ${issue.maximum} 项`;
      return `不能大于 ${issue.maximum}`;
    case 'invalid_value':
    case 'invalid_union':
      return '请从给定的选项中选择';
    case 'invalid_format':
      return '格式不正确';
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join('、')}`;
    default:
      return undefined;
  }
}

export function fieldMessages(error: z.ZodError): FieldMessages {
  const fields: FieldMessages = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message?: string): z.output<S> {
  const result = schema.safeParse(input, { error: chineseMessage });
  if (!result.success) throw validationFailed(fieldMessages(result.error), message);
  return result.data;
}

/** Like parseInput, but returns the field messages so they can be merged with other checks. */
export function tryParse<S extends z.ZodType>(schema: S, input: unknown): { data: z.output<S>; fields: null } | { data: null; fields: FieldMessages } {
  const result = schema.safeParse(input, { error: chineseMessage });
  return result.success ? { data: result.data, fields: null } : { data: null, fields: fieldMessages(result.error) };
}

/** Form posts send empty strings for untouched fields; treat them as absent. */
export function dropEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropEmpty);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== '' && v !== undefined)
        .map(([k, v]) => [k, dropEmpty(v)]),
    );
  }
  return value;
}

/** A text field of a body or query; absent, or sent twice (a list), it reads as empty. */
export function textField(fields: unknown, name: string): string {
  const value = fields && typeof fields === 'object' ? (fields as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/** PostgreSQL's integer (int4) maximum: a larger number sent for an id or a version names no row. */
export const MAX_INTEGER = 2_147_483_647;

/** A yes-or-no field: a form's checkbox sends "yes", "1" or "on" when ticked and nothing otherwise; JSON sends a boolean. */
export const checkbox = (message: string) =>
  z
    .union([z.boolean(), z.enum(['yes', 'true', 'on', '1'])], { error: message })
    .optional()
    .transform((v) => v === true || typeof v === 'string');

/**
 * Text no database stores as sent: a NUL character (PostgreSQL and PGlite refuse it in text, SQLSTATE
 * 22021), or a lone UTF-16 surrogate (`"\ud800"` in JSON is valid JSON but no character; encoded for
 * the database it fails or turns into something else). Refused as the client's mistake, on its field.
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const ILL_FORMED = /\u0000|\p{Cs}/u;
const ILL_FORMED_MESSAGE = '含有无效字符（空字符或不完整的 Unicode 字符），请删除后重新填写';
export const ILL_FORMED_REFUSED = '提交的内容含有无效字符（空字符或不完整的 Unicode 字符），请删除后重新提交';

/**
 * The fields (dotted paths) of parsed input whose name or text is ill-formed (ILL_FORMED). Walked
 * without recursion: a body's depth is the client's choice.
 */
export function illFormedTextFields(input: unknown): FieldMessages {
  const fields: FieldMessages = {};
  const pending: [string, unknown][] = [['', input]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [at, value] = next;
    if (typeof value === 'string') {
      if (ILL_FORMED.test(value)) fields[at || '_'] = ILL_FORMED_MESSAGE;
    } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const [key, child] of Object.entries(value)) {
        const bad = ILL_FORMED.test(key);
        const name = bad ? '_' : at ? `${at}.${key}` : key;
        if (bad) fields[name] = ILL_FORMED_MESSAGE;
        else pending.push([name, child]);
      }
    }
  }
  return fields;
}

/** Refuses a request whose path parameters, query or parsed body hold ill-formed text, before anything reads or writes with it. */
export function refuseIllFormedText(request: { params: unknown; query: unknown; body: unknown }, _reply: unknown, done: (err?: Error) => void): void {
  const fields = { ...illFormedTextFields(request.params), ...illFormedTextFields(request.query), ...illFormedTextFields(request.body) };
  done(Object.keys(fields).length ? validationFailed(fields, ILL_FORMED_REFUSED) : undefined);
}
