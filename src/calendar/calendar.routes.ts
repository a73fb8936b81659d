import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { staffOnly } from '../http/auth.js';
import { parseInput } from '../shared/validation.js';
import { listYears } from './calendar.repository.js';
import { loadYear } from './calendar.service.js';
import { isoDateField } from './dates.js';
import { addWorkingDays } from './working-days.js';

const deadlineQuery = z.object({
  from: isoDateField,
  workingDays: z.coerce.number().int('请填写整数').min(0).max(1000),
});

export async function calendarRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  app.get('/api/calendar/deadline', async (request) => {
    const { from, workingDays } = parseInput(deadlineQuery, request.query);
    const { due, provisional } = addWorkingDays({ from, days: workingDays, calendar: await ctx.calendar(ctx.db) });
    return { from, workingDays, due, provisional };
  });

  app.get('/api/calendar/years', async () =>
    (await listYears(ctx.db)).map((y) => ({ year: y.year, holidays: y.holidays, workdays: y.workdays, updatedAt: y.updatedAt })),
  );

  app.put<{ Params: { year: string } }>('/api/calendar/years/:year', { preHandler: staffOnly(ctx, ['admin']) }, async (request) =>
    loadYear(ctx, { principal: request.principal!, year: request.params.year, input: request.body }),
  );
}
