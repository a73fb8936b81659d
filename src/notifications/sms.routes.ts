// Delivery reports from a government's own SMS gateway (SMS_URL http(s)://…): signed as our requests
// to it are (notifications/sms.ts), so that nobody else can mark a letter served.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError, validationFailed } from '../common/errors.js';
import { ERRORS } from '../http/openapi.js';
import { verifySmsSignature } from './sms.js';

const reportsBody = z.object({
  reports: z
    .array(
      z.object({
        messageId: z.string().min(1).max(200).describe('the id the gateway answered the message with'),
        status: z.enum(['delivered', 'failed']),
        deliveredAt: z.iso.datetime({ offset: true }).optional().describe('when the phone received it'),
      }),
    )
    .max(1000),
});

export async function smsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  // The signature is over the body as sent: read it as text, parse it after checking.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post(
    '/api/sms/reports',
    {
      schema: {
        tags: ['sms'],
        summary: 'Delivery reports from the SMS gateway (signed); a delivered notice serves its letters',
        description:
          'Header `X-OGI-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under SMS_SECRET>`, made within five minutes. Body `{ reports: [{ messageId, status, deliveredAt? }] }`. Answers `{ served }`: how many delivered notices were recorded as service.',
        response: { 200: z.object({ served: z.number().int() }), ...ERRORS },
      },
    },
    async (request) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const secret = ctx.config.smsUrl && /^https?:/.test(ctx.config.smsUrl) ? ctx.config.smsSecret : null;
      if (!secret || !verifySmsSignature(secret, raw, request.headers['x-ogi-signature'] as string | undefined, ctx.clock.now())) {
        throw new AppError(401, 'sms.bad_signature', '短信状态报告的签名无效');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw validationFailed({ _: '不是 JSON' });
      }
      const result = reportsBody.safeParse(parsed);
      if (!result.success) throw validationFailed({ reports: '状态报告的格式不对' });
      const served = await app.ogi.outbox.deliveryReports(
        result.data.reports.map((r) => ({ reference: r.messageId, delivered: r.status === 'delivered', at: r.deliveredAt ? new Date(r.deliveredAt) : null })),
      );
      return { served };
    },
  );
}
