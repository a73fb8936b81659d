// Delivers queued mail and SMS outside any transaction: lease due rows, send, mark sent, or schedule a
// retry with backoff, and after the last attempt mark the message failed with the error for an
// administrator. A mail the applicant's server accepted serves the letters it carries; an SMS serves
// them once the provider reports it delivered (deliveryReports; docs/statute.md §6).
import { shanghaiDate } from '../calendar/dates.js';
import type { AppContext } from '../context.js';
import { recordElectronicService } from '../letters/service-records.service.js';
import { retryDelayMs } from './backoff.js';
import type { Mailer } from './mailer.js';
import { findSmsByProviderRef, leaseDueMail, markFailed, markRetry, markSent, releaseLeases, type OutboxRow } from './outbox.repository.js';
import type { DeliveryReport, SmsSender } from './sms.js';

const LEASE_MS = 5 * 60_000;
const BATCH = 20;

export function createOutboxWorker(ctx: AppContext, mailer: Mailer, sms: SmsSender) {
  /** Sends one row through its channel; what serves its letters once sent (null: nothing yet). */
  async function deliver(row: OutboxRow): Promise<{ providerRef: string | null; served: { method: 'email'; reference: string | null } | null }> {
    if (row.channel === 'sms') {
      const params = row.smsParams ?? { trackingNumber: '', notice: row.subject, url: ctx.config.publicUrl };
      return { providerRef: await sms.send({ id: row.id, to: row.recipient, text: row.text, ...params }), served: null };
    }
    const delivery = await mailer.send({ id: row.id, to: row.recipient, subject: row.subject, text: row.text, html: row.html });
    return { providerRef: null, served: delivery.accepted ? { method: 'email', reference: delivery.reference } : null };
  }

  /** Records the service a delivery made; a failure here is logged, never a reason to send again. */
  async function recordServed(row: { id: number; caseId: number | null; letterSeq: number | null }, method: 'email' | 'sms', reference: string | null, servedOn?: string) {
    if (row.caseId === null || row.letterSeq === null) return;
    try {
      await recordElectronicService(ctx, { caseId: row.caseId, eventSeq: row.letterSeq, method, reference, servedOn });
    } catch (err) {
      ctx.log.error({ outboxId: row.id, err: err instanceof Error ? err.message : String(err) }, 'delivered, but its service could not be recorded; record it on the case page');
    }
  }

  let stopping = false;
  // Mails that went out but could not be marked sent (the database away at that moment): marked first
  // thing on the next run, before anything is leased, so that they are not sent again. Their lease
  // keeps other workers off meanwhile; should this process stop first, they go out once more when it
  // runs out (at least once, never lost).
  const sentUnrecorded = new Map<number, Date>();
  async function runOnce(): Promise<{ sent: number; retried: number; failed: number }> {
    const result = { sent: 0, retried: 0, failed: 0 };
    for (const [id, at] of sentUnrecorded) {
      await markSent(ctx.db, id, at);
      sentUnrecorded.delete(id);
    }
    for (;;) {
      if (stopping) return result;
      const now = ctx.clock.now();
      const leaseUntil = new Date(now.getTime() + LEASE_MS);
      const batch = await leaseDueMail(ctx.db, now, leaseUntil, BATCH);
      for (const [i, mail] of batch.entries()) {
        // A slow mail server: what is not started within half the lease goes back to the queue, so
        // that no send outlasts the lease and another worker never takes a mail still being sent
        // (a send itself is bounded by the transport's timeouts, well under half the lease).
        if (ctx.clock.now().getTime() > now.getTime() + LEASE_MS / 2) {
          await releaseLeases(
            ctx.db,
            batch.slice(i).map((m) => m.id),
            leaseUntil,
          );
          return result;
        }
        let delivered: Awaited<ReturnType<typeof deliver>>;
        try {
          delivered = await deliver(mail);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const delay = retryDelayMs(mail.attempts);
          const leaseLost = () => ctx.log.warn({ outboxId: mail.id, err: message }, 'mail not delivered; its lease ran out meanwhile, the worker holding it now decides');
          if (delay === null) {
            result.failed += 1;
            if (await markFailed(ctx.db, mail.id, leaseUntil, message)) ctx.log.error({ outboxId: mail.id, err: message }, 'mail failed for good');
            else leaseLost();
          } else {
            result.retried += 1;
            if (await markRetry(ctx.db, mail.id, leaseUntil, new Date(ctx.clock.now().getTime() + delay), message))
              ctx.log.warn({ outboxId: mail.id, err: message, attempts: mail.attempts }, 'mail not delivered; will retry');
            else leaseLost();
          }
          continue;
        }
        const sentAt = ctx.clock.now();
        try {
          await markSent(ctx.db, mail.id, sentAt, delivered.providerRef);
        } catch (err) {
          sentUnrecorded.set(mail.id, sentAt);
          throw err;
        }
        result.sent += 1;
        if (delivered.served) await recordServed(mail, delivered.served.method, delivered.served.reference);
      }
      if (batch.length < BATCH) return result;
      // Let requests in between batches (the embedded database never yields on its own).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  /**
   * SMS delivery reports (pulled from the provider, or posted by a gateway): a message delivered to
   * the phone serves the letters its notice was about, on the day it was received.
   */
  async function deliveryReports(reports: DeliveryReport[]): Promise<number> {
    let served = 0;
    for (const report of reports) {
      if (!report.delivered || !report.reference) continue;
      const row = await findSmsByProviderRef(ctx.db, report.reference);
      if (!row) continue;
      const on = report.at && report.at <= ctx.clock.now() ? shanghaiDate(report.at) : undefined;
      await recordServed(row, 'sms', report.reference, on);
      served += 1;
    }
    return served;
  }

  return {
    runOnce,
    deliveryReports,
    /** Fetches and applies the provider's delivery reports, where they are pulled (Tencent Cloud). */
    async pullReports(): Promise<{ served: number }> {
      return { served: sms.pullReports ? await deliveryReports(await sms.pullReports()) : 0 };
    },
    /** Stop taking new batches; the one in hand is finished. */
    stop() {
      stopping = true;
    },
  };
}
export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
