// What every service needs, built once per app instance and passed down explicitly.
import type { FastifyBaseLogger } from 'fastify';
import type { CalendarLoader } from './calendar/calendar.repository.js';
import type { Clock } from './calendar/clock.js';
import type { Config } from './config/config.js';
import type { Database } from './db/client.js';
import type { Renderer } from './render.js';

export type AppContext = {
  config: Config;
  db: Database;
  dbKind: 'pglite' | 'postgres';
  clock: Clock;
  calendar: CalendarLoader;
  log: FastifyBaseLogger;
  /** Compiled templates under templates/letters. */
  letters: Renderer;
  /** Compiled templates under templates/mail. */
  mails: Renderer;
};
