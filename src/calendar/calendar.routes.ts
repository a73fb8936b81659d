import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { staffOnly } from '../http/auth.js';
import { ERRORS, STAFF } from '../http/openapi.js';
import { deadlineSchema, loadedYearSchema, yearSchema } from './calendar.schemas.js';
import { parseInput } from '../common/validation.js';
import { listYears } from './calendar.repository.js';
import { loadYear, scheduleInput } from './calendar.service.js';
import { isoDateField } from './dates.js';
import { addWorkingDays } from './working-days.js';

const deadlineQuery = z.object({
  from: isoDateField,
  workingDays: z.coerce.number().int('请填写整数').min(0).max(1000),
});

export async function calendarRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const tags = ['calendar'];
  const deadline = {
    tags,
    summary: 'The N-th working day after a date, on the official calendar (art. 33)',
    querystring: deadlineQuery,
    response: { 200: deadlineSchema, ...ERRORS },
  };
  app.get('/api/calendar/deadline', { schema: deadline }, async (request) => {
    const { from, workingDays } = parseInput(deadlineQuery, request.query);
    const { due, provisional } = addWorkingDays({ from, days: workingDays, calendar: await ctx.calendar(ctx.db) });
    return { from, workingDays, due, provisional };
  });

  app.get('/api/calendar/years', { schema: { tags, summary: 'The official schedules loaded, by year', response: { 200: z.array(yearSchema), ...ERRORS } } }, async () =>
    (await listYears(ctx.db)).map((y) => ({ year: y.year, holidays: y.holidays, workdays: y.workdays, updatedAt: y.updatedAt })),
  );

  const load = {
    tags,
    summary: "Load or replace a year's official schedule (administrator); open cases' deadlines are recomputed",
    security: STAFF,
    params: z.object({ year: z.string() }),
    body: scheduleInput,
    response: { 200: loadedYearSchema, ...ERRORS },
  };
  app.put<{ Params: { year: string } }>('/api/calendar/years/:year', { schema: load, preHandler: staffOnly(ctx, ['admin']) }, async (request) =>
    loadYear(ctx, { principal: request.principal!, year: request.params.year, input: request.body }),
  );
}
