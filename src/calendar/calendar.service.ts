// Loading a year's official schedule: stored, then every open case's deadlines and timers derived
// anew in the same transaction, with the change recorded in each affected case's timeline.
import { and, asc, gt, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { cases } from '../db/schema.js';
import { validationFailed } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { appendTimelineEntries, updateCases } from '../requests/cases.repository.js';
import type { Principal } from '../staff/principal.js';
import { syncTimersOf } from '../timers/timers.repository.js';
import { OPEN_STATES } from '../workflow/types.js';
import { derive, parseSnapshot } from '../workflow/workflow.js';
import { countOpenProvisional } from '../desk/queue.repository.js';
import { listYears, lockSchedulesForChange, upsertYear } from './calendar.repository.js';
import { today } from './clock.js';
import { isoDateField, yearOf } from './dates.js';
import { scheduleProblems, type Calendar } from './working-days.js';

const dates = z
  .array(isoDateField)
  .max(366)
  .transform((d) => [...new Set(d)]);
export const scheduleInput = z.object({ holidays: dates, workdays: dates });
const yearSchema = z.coerce.number().int().min(2000).max(2100);

export async function loadYear(ctx: AppContext, args: { principal: Principal; year: unknown; input: unknown }) {
  const yearResult = yearSchema.safeParse(args.year);
  if (!yearResult.success) throw validationFailed({ year: '年份应为 2000 至 2100 之间的整数' });
  const year = yearResult.data;
  const { holidays, workdays } = parseInput(scheduleInput, args.input);
  const problems = scheduleProblems({ year, holidays, workdays });
  if (Object.keys(problems).length) throw validationFailed(problems);

  const recomputed = await ctx.db.transaction(async (tx) => {
    await lockSchedulesForChange(tx);
    await upsertYear(tx, { schedule: { year, holidays, workdays }, staffId: args.principal.id, at: ctx.clock.now() });
    return recomputeOpenCases(tx, ctx, await ctx.calendar(tx), year);
  });
  return { year, holidays: [...holidays].sort(), workdays: [...workdays].sort(), recomputedCases: recomputed };
}

/**
 * For administrators: the next year's official schedule is missing from November, when the State
 * Council usually publishes it, or any open case's deadline runs into a year not loaded (docs/statute.md §1:
 * counted on weekends only, marked provisional). Null when there is nothing to load.
 */
export async function scheduleNotice(ctx: AppContext): Promise<{ missingYear: number | null; provisionalCases: number } | null> {
  const on = today(ctx.clock);
  const next = yearOf(on) + 1;
  const [years, provisionalCases] = await Promise.all([listYears(ctx.db), countOpenProvisional(ctx.db)]);
  const missingYear = years.some((y) => y.year === next) ? null : next;
  if (provisionalCases === 0 && (missingYear === null || on.slice(5, 7) < '11')) return null;
  return { missingYear, provisionalCases };
}

const BATCH = 500;

async function recomputeOpenCases(tx: Tx, ctx: AppContext, calendar: Calendar, year: number): Promise<number> {
  const at = ctx.clock.now();
  const on = today(ctx.clock);
  let total = 0;
  for (let lastId = 0; ;) {
    const batch = await tx
      .select()
      .from(cases)
      .where(and(inArray(cases.state, [...OPEN_STATES]), gt(cases.id, lastId)))
      .orderBy(asc(cases.id))
      .limit(BATCH)
      .for('update');
    if (!batch.length) return total;
    lastId = batch.at(-1)!.id;
    const derived = batch.map((row) => ({ row, ...derive({ snapshot: parseSnapshot(row.snapshot), calendar }) }));
    const changed = derived.filter(({ row, deadlines }) => deadlines.answerDueOn !== row.dueOn || deadlines.provisional !== row.dueProvisional);
    await syncTimersOf(
      tx,
      derived.map(({ row, timers }) => ({ caseId: row.id, desired: timers })),
      at,
    );
    await updateCases(
      tx,
      changed.map(({ row, deadlines }) => ({
        ...row,
        version: row.version + 1,
        dueOn: deadlines.answerDueOn,
        dueProvisional: deadlines.provisional,
        clockStopped: deadlines.clockStopped,
        updatedAt: at,
      })),
    );
    await appendTimelineEntries(
      tx,
      changed.map(({ row, deadlines }) => ({
        caseId: row.id,
        type: 'CALENDAR_CHANGED',
        on,
        at,
        actor: { kind: 'system' as const },
        stateAfter: row.state,
        dueOnAfter: deadlines.answerDueOn,
        payload: { year, previousDueOn: row.dueOn, dueOn: deadlines.answerDueOn, wasProvisional: row.dueProvisional, provisional: deadlines.provisional },
      })),
    );
    total += changed.length;
  }
}
