// The API describes itself (docs/api.md, docs/decisions/0006-route-schemas.md): every /api route
// declares its params, querystring, body and responses as zod schemas; `GET /openapi.json` is the
// OpenAPI 3.1 document generated from them and `/docs` renders it. Inputs are parsed by the services
// with the same schemas (the pages reach the same services); responses are serialized through their
// schema, so a field a schema leaves out is dropped. With `strictResponses` (the tests) a response
// holding a field its schema leaves out is an error instead, so every test checks the schemas.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createJsonSchemaTransform, createSerializerCompiler, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';

/** Every error answer: a stable code, a Chinese message, and what the code needs (see docs/api.md). */
export const errorBody = z
  .object({
    error: z.string().describe('stable machine code, e.g. validation.failed, cases.not_found'),
    message: z.string().describe('what went wrong, in Chinese'),
    fields: z.record(z.string(), z.string()).optional().describe('validation.failed: a message per field path'),
    rule: z.string().optional().describe('409: the rule of the statute or workflow that refuses the action'),
    places: z
      .array(z.object({ field: z.string(), excerpt: z.string() }))
      .optional()
      .describe('publication.personal_data: where personal data was found'),
    trackingNumber: z.string().optional().describe('request.duplicate: the application already filed'),
  })
  .meta({ id: 'Error' });

/** The error answers a route documents: 4xx and 5xx in the shape above. */
export const ERRORS = { '4xx': errorBody, '5xx': errorBody } as const;

export const trackingNumberParams = z.object({ trackingNumber: z.string().describe('e.g. FGJ-2026-00001') });

/** An instant: a Date in the code, ISO 8601 (UTC) in JSON. */
export const instant = z.codec(z.iso.datetime(), z.date(), { decode: (text) => new Date(text), encode: (date) => date.toISOString() });
/** A calendar day, YYYY-MM-DD (Asia/Shanghai). */
export const day = z.string().describe('YYYY-MM-DD');

/** Staff endpoints take `Authorization: Bearer <token>` (POST /api/auth/login). */
export const STAFF = [{ bearer: [] as string[] }];

/** The fields of `value` (at any depth) that `sent` no longer has: what a response schema left out. */
export function droppedFields(value: unknown, sent: unknown, at = ''): string[] {
  if (value === null || typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value)) return [];
  if (Array.isArray(value)) return Array.isArray(sent) ? value.flatMap((v, i) => droppedFields(v, sent[i], `${at}[${i}]`)) : [];
  const out = (sent ?? {}) as Record<string, unknown>;
  return Object.entries(value).flatMap(([key, v]) => {
    if (v === undefined || typeof v === 'function') return [];
    const path = at ? `${at}.${key}` : key;
    return key in out ? droppedFields(v, out[key], path) : [path];
  });
}

type RouteSchema = { response?: Record<string, unknown> };

function responseSchemaFor(request: FastifyRequest, status: number): z.ZodType | null {
  const response = (request.routeOptions.schema as RouteSchema | undefined)?.response;
  if (!response) return null;
  const schema = response[String(status)] ?? response[`${String(status)[0]}xx`] ?? response.default;
  return schema instanceof z.ZodType ? schema : null;
}

export async function registerOpenApi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const strict = ctx.config.strictResponses;
  // Inputs: parsed by the services, with these schemas (ADR 0006); the route's copy documents them.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  const serialize = createSerializerCompiler({});
  app.setSerializerCompiler((route) => {
    const toJson = serialize(route as Parameters<typeof serialize>[0]);
    if (!strict) return toJson;
    return (data: unknown) => {
      const json = toJson(data);
      const dropped = droppedFields(data, JSON.parse(json));
      if (dropped.length) throw new Error(`the response schema of ${route.method} ${route.url} (${route.httpStatus}) leaves out ${dropped.join(', ')}`);
      return json;
    };
  });
  if (strict) {
    // Answers sent as JSON text (the stored applicant view) bypass the serializer: check them here.
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
      const schema = responseSchemaFor(request, reply.statusCode);
      if (!schema) return payload;
      const value: unknown = JSON.parse(payload);
      const parsed = schema.safeDecode(value);
      if (!parsed.success) throw new Error(`${request.method} ${request.url}: the answer does not match its schema: ${parsed.error.message}`);
      const dropped = droppedFields(value, parsed.data);
      if (dropped.length) throw new Error(`${request.method} ${request.url}: the response schema leaves out ${dropped.join(', ')}`);
      return payload;
    });
  }

  const transform = createJsonSchemaTransform({ skipList: [] });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: '依申请公开 API',
        version: '1.0.0',
        description:
          'Government information disclosure on request (《中华人民共和国政府信息公开条例》2019). The contract clients rely on is docs/api.md; dates are YYYY-MM-DD in Asia/Shanghai, instants ISO 8601.',
        license: { name: 'MulanPSL-2.0', identifier: 'MulanPSL-2.0' },
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the token of POST /api/auth/login' } } },
    },
    // Only the API and the health checks: pages are HTML for people, not part of the API.
    transform: (document) => (isApi(document.url) ? transform(document) : { schema: { hide: true }, url: document.url }),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

const isApi = (url: string) => url.startsWith('/api/') || url === '/health' || url === '/ready';
