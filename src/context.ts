// What every service needs, built once per app instance and passed down explicitly.
import type { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import type { CalendarLoader } from './calendar/calendar.repository.js';
import type { Clock } from './calendar/clock.js';
import type { Config } from './config/config.js';
import type { Database } from './db/client.js';
import type { PdfFonts } from './documents/letter-pdf.js';
import type { PdfSigner } from './documents/signing.js';
import type { JurisdictionDirectory } from './jurisdictions/jurisdictions.service.js';
import type { Renderer } from './render.js';
import type { Numbers } from './requests/numbers.js';
import type { PersonalDataKey } from './requests/personal-data.js';
import type { ByteBudgets } from './throttling/byte-budgets.js';

export type AppContext = {
  config: Config;
  db: Database;
  dbKind: 'pglite' | 'postgres';
  /** Tracking and letter numbers. */
  numbers: Numbers;
  clock: Clock;
  calendar: CalendarLoader;
  log: FastifyBaseLogger;
  /** Compiled templates under templates/letters. */
  letters: Renderer;
  /** Compiled templates under templates/mail. */
  mails: Renderer;
  /** The faces PDFs are set in, parsed on first use (documents/fonts.ts). */
  pdfFonts: () => PdfFonts;
  /** An agency's PDF signer, if it has a certificate (documents/signing.ts). */
  pdfSigner: (agencySlug: string) => PdfSigner | null;
  /** In-process notices between capabilities (e.g. `guide.published` invalidates cached guide pages). */
  events: EventEmitter;
  /** Seals identity numbers at rest (requests/personal-data.ts); null: they are stored unsealed. */
  personalDataKey: PersonalDataKey;
  /** Where uploads are staged while they arrive, and the bytes a client and the instance may upload a minute. */
  uploads: { dir: string; budgets: ByteBudgets };
  /** The installation's key for access codes (requests/access-code-key.service.ts), read at start. */
  accessCodeKey: Buffer;
  /**
   * Set when a transaction that seals numbers (holdPersonalDataKey) finds the database sealed with
   * another key now (a rotation while this instance ran): applications are refused, /ready answers 503.
   */
  personalDataKeyRetired: boolean;
  /** The governments served, as a tree (jurisdictions/jurisdictions.ts). */
  jurisdictions: JurisdictionDirectory;
};
