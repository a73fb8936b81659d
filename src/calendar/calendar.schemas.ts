// What the calendar endpoints answer (src/http/openapi.ts).
import { z } from 'zod';
import { day, instant } from '../http/openapi.js';

export const deadlineSchema = z
  .object({
    from: day,
    workingDays: z.number().int(),
    due: day.describe('the N-th working day after `from` (the from-day not counted)'),
    provisional: z.boolean().describe('the count crosses a year whose official schedule is not loaded'),
  })
  .meta({ id: 'Deadline' });

const schedule = { year: z.number().int(), holidays: z.array(day), workdays: z.array(day) };

export const yearSchema = z.object({ ...schedule, updatedAt: instant }).meta({ id: 'CalendarYear' });

export const loadedYearSchema = z.object({ ...schedule, recomputedCases: z.number().int().describe('open cases whose deadlines were computed anew') }).meta({ id: 'LoadedYear' });
