// Delivery: SMTP when SMTP_URL is set, otherwise each message as an .eml file under DATA_DIR/mail.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config/config.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js';

export type MailMessage = { id: number; to: string; subject: string; text: string; html: string };
/**
 * `accepted`: the recipient's mail server took the message (the SMTP conversation ended in 250 for
 * the address), which serves the letters it carries (docs/statute.md §6); `reference`: its reply.
 */
export type Delivery = { accepted: boolean; reference: string | null };
export type Mailer = { send(message: MailMessage): Promise<Delivery>; close(): void };

export function createMailer(config: Config): Mailer {
  const host = new URL(config.publicUrl).hostname || 'ogi.localhost';
  const envelope = (m: MailMessage) => ({
    from: config.mailFrom,
    // The address alone, as an object: nodemailer would read a list or a display name out of a string.
    to: { name: '', address: m.to },
    subject: m.subject,
    text: m.text,
    html: m.html,
    // Stable per queued mail, so a resend after a crash can be recognised as the same message.
    messageId: `<outbox-${m.id}@${host}>`,
  });
  if (config.smtpUrl) {
    // A pool keeps connections open across a batch instead of one connection per message. Timeouts
    // well under half the outbox lease (outbox.worker.ts), instead of nodemailer's 10-minute socket one.
    const transport = nodemailer.createTransport({
      url: config.smtpUrl,
      pool: true,
      maxConnections: 2,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    } as never);
    return {
      async send(m) {
        const info = (await transport.sendMail(envelope(m))) as { accepted?: unknown[]; response?: string };
        const accepted = (info.accepted ?? []).some((a) => (typeof a === 'string' ? a : (a as { address?: string }).address)?.toLowerCase() === m.to.toLowerCase());
        return { accepted, reference: info.response?.slice(0, 200) ?? null };
      },
      close: () => transport.close(),
    };
  }
  const dir = path.join(config.dataDir, 'mail');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    // Written off the event loop (a file's creation took 0.6–3 ms on our VMs, every request waiting
    // meanwhile), under a temporary name and then renamed: a reader never finds half a message.
    async send(m) {
      const info = await transport.sendMail(envelope(m));
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const file = path.join(dir, `${String(m.id).padStart(8, '0')}.eml`);
      // A mail carries the applicant's name and, in the acknowledgment, the access code: owner-only.
      await writeFile(`${file}.partial`, info.message as Buffer, { mode: PRIVATE_FILE_MODE });
      await rename(`${file}.partial`, file);
      // A file reaches no one: nothing is served by it.
      return { accepted: false, reference: null };
    },
    close: () => transport.close(),
  };
}
