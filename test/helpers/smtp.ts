// A real SMTP peer in the test process: smtp-server receives, mailparser parses.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './process.js';

export type SmtpPeer = {
  port: number;
  url: string;
  messages: ParsedMail[];
  start(): Promise<void>;
  stop(): Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /**
   * Until the returned function is called, mails are received but not acknowledged: the sender waits.
   * Called with `refuse`, the held mails are answered 451 (a temporary failure) and not kept.
   */
  hold(): (refuse?: 'refuse') => void;
};

export async function smtpPeer(): Promise<SmtpPeer> {
  const port = await freePort();
  const messages: ParsedMail[] = [];
  let server: SMTPServer | null = null;
  let gate: Promise<void> | null = null;
  const peer: SmtpPeer = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async start() {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        // Stopping the peer drops open connections at once, as a crashed mail server would.
        closeTimeout: 50,
        onData(stream, _session, callback) {
          simpleParser(stream)
            .then(async (mail) => {
              messages.push(mail);
              try {
                await gate;
              } catch (err) {
                messages.splice(messages.indexOf(mail), 1);
                throw err;
              }
            })
            .then(() => {
              callback();
            })
            .catch(callback);
        },
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
    },
    async stop() {
      if (!server) return;
      const s = server;
      server = null;
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    hold() {
      let open!: () => void;
      let shut!: (err: Error) => void;
      const mine = new Promise<void>((resolve, reject) => ((open = resolve), (shut = reject)));
      mine.catch(() => {}); // a refusal no mail waited for is nobody's error
      gate = mine;
      return (refuse) => {
        if (gate === mine) gate = null;
        if (refuse) shut(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
        else open();
      };
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  await peer.start();
  return peer;
}
