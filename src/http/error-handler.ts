// One error path: AppErrors and fastify's own 4xx become `{ error, message, fields?, rule? }` (or an
// error page for browsers); a database that cannot be reached is a 503 to try again; anything else is
// logged and answered with a generic 500.
import type {} from '@fastify/view';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import { rawSecurityHeaders } from './security-headers.js';
import { databaseUnavailable } from '../db/client.js';
import { AppError, type FieldMessages, type Place } from '../common/errors.js';

const FASTIFY_CODES: Record<string, [string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['request.malformed_json', '请求正文不是有效的 JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['request.malformed_json', '请求正文为空'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['request.too_large', '提交的内容过大'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['request.unsupported_media_type', '不支持的内容类型'],
  FST_PROTO_VIOLATION: ['request.malformed', '请求包含不允许的字段名'],
  FST_MP_PREMATURE_CLOSE: ['request.malformed', '上传未完成'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['request.malformed', '请求不是有效的表单'],
  FST_ERR_BAD_URL: ['request.malformed', '网址格式有误'],
  FST_ERR_MAX_PARAM_LENGTH: ['request.too_long', '网址过长'],
};

const GENERIC_BY_STATUS: Record<number, [string, string]> = {
  400: ['request.malformed', '请求格式有误'],
  404: ['not_found', '没有找到该页面或资源'],
  405: ['request.method_not_allowed', '不支持的请求方法'],
  408: ['request.timeout', '请求超时'],
  413: ['request.too_large', '提交的内容过大'],
  414: ['request.too_long', '网址过长'],
  415: ['request.unsupported_media_type', '不支持的内容类型'],
  429: ['rate_limited', '操作过于频繁，请稍后再试'],
};

export type ErrorBody = { error: string; message: string; fields?: FieldMessages; rule?: string; places?: Place[] };

function validationFields(error: FastifyError): FieldMessages {
  const fields: FieldMessages = {};
  for (const v of error.validation ?? []) {
    const missing = (v.params as { missingProperty?: string })?.missingProperty;
    const path = [v.instancePath.replace(/^\//, '').replace(/\//g, '.'), missing].filter(Boolean).join('.') || '_';
    fields[path] ??= missing ? '此项必填' : '格式不正确';
  }
  return fields;
}

export function toErrorBody(error: FastifyError | AppError): { status: number; body: ErrorBody; retryAfter?: string } {
  if (error instanceof AppError) {
    const { retryAfter, ...details } = error.details;
    return { status: error.statusCode, body: { error: error.code, message: error.message, ...details }, ...(retryAfter ? { retryAfter } : {}) };
  }
  if (error.validation) {
    return { status: 400, body: { error: 'validation.failed', message: '提交的内容有误，请按提示修改', fields: validationFields(error) } };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const [code, message] = FASTIFY_CODES[error.code] ?? GENERIC_BY_STATUS[status] ?? ['request.invalid', '请求无法处理'];
    return { status, body: { error: code, message } };
  }
  if (databaseUnavailable(error)) return { status: 503, body: { error: 'service.unavailable', message: '服务暂时不可用，请稍后再试' } };
  return { status: 500, body: { error: 'internal', message: '服务器内部错误，请稍后再试' } };
}

/** Seconds a client should wait before trying again when the database is away (a restart takes a few). */
const RETRY_AFTER_SECONDS = '10';

export function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url === '/health' || request.url === '/ready') return false;
  return (request.headers.accept ?? '').includes('text/html');
}

export async function errorHandler(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) {
  const { status, body, retryAfter } = toErrorBody(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: body.error, status }, 'request refused');
  reply.status(status);
  if (status === 429 && error instanceof Error && 'headers' in error) reply.headers((error as { headers: Record<string, string> }).headers);
  if (body.error === 'service.unavailable') reply.header('retry-after', RETRY_AFTER_SECONDS);
  if (retryAfter) reply.header('retry-after', retryAfter);
  if (wantsHtml(request) && typeof reply.page === 'function') {
    return reply.page('error', { title: status >= 500 ? '出错了' : '无法完成请求', message: body.message });
  }
  return reply.send(body);
}

/**
 * Node's HTTP parser refuses a request before Fastify sees it (headers or request line too long, a
 * malformed request): answered on the socket in the error shape, with the security headers.
 */
export function clientErrorHandler(config: Config) {
  const headers = rawSecurityHeaders(config);
  return (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const [status, reason, code, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'request.too_long', '请求行或请求头过长']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'request.timeout', '请求超时']
          : [400, 'Bad Request', 'request.malformed', '请求格式有误'];
    const body = JSON.stringify({ error: code, message });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n${headers}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}
