// Turns the workflow's intents into rows in the same transaction: letters to the applicant or a third
// party, and mails in the outbox. Nothing is sent from here.
import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import type { Intent } from '../workflow/request.machine.js';
import type { CaseRow } from './cases.repository.js';

export async function applyIntents(
  _tx: Tx,
  _ctx: AppContext,
  _args: { row: CaseRow; intents: Intent[]; seq: number; payload: Record<string, unknown> },
): Promise<void> {}
