// Delivers queued mail outside any transaction: lease due rows, send, mark sent, or schedule a retry
// with backoff, and after the last attempt mark the mail failed with the error for an administrator.
import type { AppContext } from '../context.js';
import { retryDelayMs } from './backoff.js';
import type { Mailer } from './mailer.js';
import { leaseDueMail, markFailed, markRetry, markSent, releaseLeases } from './outbox.repository.js';

const LEASE_MS = 5 * 60_000;
const BATCH = 20;

export function createOutboxWorker(ctx: AppContext, mailer: Mailer) {
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
        try {
          await mailer.send({ id: mail.id, to: mail.recipient, subject: mail.subject, text: mail.text, html: mail.html });
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
          await markSent(ctx.db, mail.id, sentAt);
        } catch (err) {
          sentUnrecorded.set(mail.id, sentAt);
          throw err;
        }
        result.sent += 1;
      }
      if (batch.length < BATCH) return result;
      // Let requests in between batches (the embedded database never yields on its own).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return {
    runOnce,
    /** Stop taking new batches; the one in hand is finished. */
    stop() {
      stopping = true;
    },
  };
}
export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
