// The numbers behind the statistics dashboard, scoped to the caller's agency (or all, for administrators).
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { today } from '../calendar/clock.js';
import { addDays } from '../calendar/dates.js';
import { addWorkingDays } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import { agencies, cases } from '../db/schema.js';
import type { Principal } from '../staff/principal.js';
import { OPEN_STATES } from '../workflow/types.js';
import { monthlyFigures } from './stats.js';

export async function dashboard(ctx: AppContext, principal: Principal) {
  // An overseer's: the agencies it supervises; the agency's own staff: their agency's.
  const o = principal.oversees;
  const scope = principal.role === 'admin' || o === 'all' ? undefined : o ? inArray(cases.agencyId, o.length ? o : [-1]) : eq(cases.agencyId, principal.agencyId!);
  const on = today(ctx.clock);
  const calendar = await ctx.calendar(ctx.db);
  const soon = addWorkingDays({ from: on, days: 5, calendar }).due;
  const since = `${addDays(on, -365).slice(0, 7)}-01`;
  const [byState, [due], concluded] = await Promise.all([
    ctx.db
      .select({ state: cases.state, n: sql<number>`count(*)::int` })
      .from(cases)
      .where(and(scope, inArray(cases.state, [...OPEN_STATES])))
      .groupBy(cases.state),
    ctx.db
      .select({
        dueSoon: sql<number>`count(*) filter (where ${cases.state} in ('received', 'assigned') and ${cases.dueOn} >= ${on}::date and ${cases.dueOn} <= ${soon}::date)::int`,
        overdue: sql<number>`count(*) filter (where ${cases.state} = 'overdue' or (${cases.state} in ('received', 'assigned') and ${cases.dueOn} < ${on}::date))::int`,
      })
      .from(cases)
      .where(and(scope, inArray(cases.state, ['received', 'assigned', 'overdue']))),
    ctx.db
      .select({
        agency: agencies.name,
        month: sql<string>`to_char(${cases.concludedOn}, 'YYYY-MM')`,
        receivedOn: cases.receivedOn,
        concludedOn: sql<string>`${cases.concludedOn}::text`,
        dueOn: cases.dueOn,
      })
      .from(cases)
      .innerJoin(agencies, eq(agencies.id, cases.agencyId))
      .where(and(scope, eq(cases.state, 'answered'), gte(cases.concludedOn, since), lt(cases.concludedOn, addDays(on, 1)))),
  ]);
  return {
    byState: Object.fromEntries(byState.map((r) => [r.state, r.n])) as Record<string, number>,
    dueSoon: due?.dueSoon ?? 0,
    overdue: due?.overdue ?? 0,
    months: monthlyFigures(concluded, calendar),
  };
}
