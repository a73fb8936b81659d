// The API describes itself (docs/api.md): GET /openapi.json is a valid OpenAPI 3.1 document that
// lists every /api route and every workflow event, and keeps every field the contract lists.
import { Validator } from '@seriousme/openapi-schema-validator';
import t from 'tap';
import { ruleNamesFor } from '../src/workflow/rules.js';
import { CLIENT_EVENT_TYPES } from '../src/workflow/types.js';
import { testApp } from './helpers/test-app.js';
import { routesOf } from './helpers/routes.js';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  description?: string;
  title?: string;
};
type Operation = {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

t.test('GET /openapi.json is a valid OpenAPI 3.1 document of every /api route, and /docs renders it', async (t) => {
  const { app } = await testApp(t);
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  const doc = res.json() as Document;
  t.equal(doc.openapi, '3.1.0');
  const result = await new Validator().validate(structuredClone(doc) as Parameters<Validator['validate']>[0]);
  t.ok(result.valid, `valid: ${JSON.stringify(result.errors ?? '').slice(0, 2000)}`);

  // Every route Fastify serves under /api, by method, read from its route tree.
  const registered = routesOf(app)
    .filter((r) => r.path.startsWith('/api/'))
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
  t.ok(registered.length >= 30, `${registered.length} API routes found`);
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
  for (const route of registered) t.ok(documented.includes(route), `${route} is documented`);
  t.ok(documented.includes('GET /api/cases/{trackingNumber}') && !documented.some((r) => r.includes('{tn}')), 'path parameters are named {trackingNumber}');

  const docs = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(docs.statusCode, 200);
  t.match(docs.body, /swagger/i, 'the rendering page');
});

t.test('each workflow event is its own documented body variant of POST /api/cases/{trackingNumber}/events, with its 409 rules', async (t) => {
  const { app } = await testApp(t);
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document;
  const body = resolve(doc, doc.paths['/api/cases/{trackingNumber}/events']!.post!.requestBody!.content['application/json']!.schema);
  const variants = (body.oneOf ?? body.anyOf ?? []).map((v) => resolve(doc, v));
  t.equal(variants.length, CLIENT_EVENT_TYPES.length, 'one variant per event type');
  for (const type of CLIENT_EVENT_TYPES) {
    const variant = variants.find((v) => v.title === type);
    t.ok(variant, `${type} has a variant`);
    for (const rule of ruleNamesFor(type)) t.match(variant?.description ?? '', rule, `${type}: names rule ${rule}`);
    t.ok(variant?.properties?.expectedVersion, `${type}: takes expectedVersion`);
  }
});

t.test('every field the contract lists is in the response schemas (a schema that left one out would drop it)', async (t) => {
  const { app } = await testApp(t);
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document;
  const response = (path: string, method: string, status: string) => resolve(doc, doc.paths[path]![method]!.responses[status]!.content!['application/json']!.schema);
  const has = (schema: Schema, fields: string[], what: string) => {
    for (const field of fields) {
      let at: Schema | undefined = schema;
      for (const part of field.split('.')) {
        at = at && resolve(doc, at);
        at = part === '[]' ? at?.items : at?.properties?.[part];
      }
      t.ok(at, `${what}: ${field}`);
    }
  };
  has(response('/api/requests', 'post', '201'), ['trackingNumber', 'accessCode', 'state', 'receivedOn', 'dueOn'], 'POST /api/requests');
  has(
    response('/api/requests/{trackingNumber}', 'get', '200'),
    [
      'trackingNumber',
      'state',
      'receivedOn',
      'dueOn',
      'timeline',
      'correctionDueOn',
      'paymentDueOn',
      ...['id', 'kind', 'title', 'documentNumber', 'issuedOn', 'text'].map((f) => `letters.[].${f}`),
    ],
    'GET /api/requests/{trackingNumber}',
  );
  has(
    response('/api/cases/{trackingNumber}', 'get', '200'),
    [
      'state',
      'dueOn',
      'version',
      'events',
      'allowedEvents',
      'attachments.[].id',
      ...['id', 'kind', 'recipient', 'title', 'documentNumber', 'issuedOn'].map((f) => `letters.[].${f}`),
    ],
    'GET /api/cases/{trackingNumber}',
  );
  has(response('/api/cases', 'get', '200'), ['items.[].trackingNumber', 'items.[].state', 'items.[].dueOn'], 'GET /api/cases');
  has(response('/api/agencies', 'get', '200'), ['[].slug', '[].name'], 'GET /api/agencies');
  has(response('/api/calendar/deadline', 'get', '200'), ['from', 'workingDays', 'due', 'provisional'], 'GET /api/calendar/deadline');
  has(response('/api/auth/login', 'post', '200'), ['token'], 'POST /api/auth/login');
  has(
    response('/api/reports/annual', 'get', '200'),
    ['year', 'agency', 'rows.new.person', 'rows.total.total', 'rows.carried_forward.other_org', 'table4.review.upheld'],
    'GET /api/reports/annual',
  );
  t.ok(doc.paths['/api/reports/annual.csv']?.get, 'GET /api/reports/annual.csv');
  t.ok(doc.paths['/api/cases/{trackingNumber}/reviews']?.post?.responses['201'], 'POST /api/cases/{trackingNumber}/reviews → 201');
  has(resolve(doc, doc.paths['/api/cases/{trackingNumber}/reviews']!.post!.requestBody!.content['application/json']!.schema), ['kind', 'filedOn'], 'the review body');
});

function resolve(doc: Document, schema: Schema): Schema {
  let at = schema;
  while (at.$ref) at = doc.components.schemas[at.$ref.replace('#/components/schemas/', '')]!;
  return at;
}
