// Working days (工作日) as the 条例 counts them (ogi-rules.md §1):
// - Monday to Friday are working days, minus the official holidays of the State Council's yearly
//   notice, plus the weekend days that notice makes working days (调休上班);
// - the day on which a period starts is not counted: "within 20 working days of receipt" ends with
//   the 20th working day after the receipt date;
// - a year whose notice is not loaded counts weekends only, and every result that touched such a
//   year is flagged provisional, to be recomputed when the administrator loads the year.
// Pure: the schedules are passed in; nothing here reads a clock, a global or the database.
import { addDays, compareDates, type IsoDate, weekday, yearOf } from './dates.js';

export type YearSchedule = {
  year: number;
  /** Days off, weekends inside the holiday included. */
  holidays: readonly IsoDate[];
  /** Weekend days that are working days (调休上班). */
  workdays: readonly IsoDate[];
};

export type Calendar = {
  readonly years: ReadonlyMap<number, { holidays: ReadonlySet<IsoDate>; workdays: ReadonlySet<IsoDate> }>;
};

export type Counted<T> = T & { provisional: boolean };

export function buildCalendar(schedules: readonly YearSchedule[]): Calendar {
  const years = new Map<number, { holidays: ReadonlySet<IsoDate>; workdays: ReadonlySet<IsoDate> }>();
  for (const s of schedules) years.set(s.year, { holidays: new Set(s.holidays), workdays: new Set(s.workdays) });
  return { years };
}

export function isLoadedYear(calendar: Calendar, year: number): boolean {
  return calendar.years.has(year);
}

export function isWorkingDay(calendar: Calendar, date: IsoDate): Counted<{ working: boolean }> {
  const schedule = calendar.years.get(yearOf(date));
  const day = weekday(date);
  const weekendDay = day === 0 || day === 6;
  if (!schedule) return { working: !weekendDay, provisional: true };
  if (schedule.workdays.has(date)) return { working: true, provisional: false };
  if (schedule.holidays.has(date)) return { working: false, provisional: false };
  return { working: !weekendDay, provisional: false };
}

// Far more than any statutory period (20 + 20 working days plus stopped time) can span.
const MAX_WORKING_DAYS = 2000;

/** The `days`-th working day after `from`; `from` itself is not counted (ogi-rules.md §1). */
export function addWorkingDays(args: { from: IsoDate; days: number; calendar: Calendar }): Counted<{ due: IsoDate }> {
  const { from, days, calendar } = args;
  if (!Number.isInteger(days) || days < 0 || days > MAX_WORKING_DAYS) {
    throw new RangeError(`working days must be an integer from 0 to ${MAX_WORKING_DAYS}, got ${days}`);
  }
  let date = from;
  let counted = 0;
  let provisional = false;
  while (counted < days) {
    date = addDays(date, 1);
    const day = isWorkingDay(calendar, date);
    provisional ||= day.provisional;
    if (day.working) counted += 1;
  }
  return { due: date, provisional };
}

/** Working days d with from < d ≤ to: how many working days of a period have run by the end of `to`. */
export function workingDaysBetween(args: { from: IsoDate; to: IsoDate; calendar: Calendar }): Counted<{ days: number }> {
  const { from, to, calendar } = args;
  let days = 0;
  let provisional = false;
  for (let date = addDays(from, 1); compareDates(date, to) <= 0; date = addDays(date, 1)) {
    const day = isWorkingDay(calendar, date);
    provisional ||= day.provisional;
    if (day.working) days += 1;
  }
  return { days, provisional };
}

/** `date` if it is a working day, else the next working day: the receipt day of an online request (art. 31). */
export function workingDayOnOrAfter(args: { date: IsoDate; calendar: Calendar }): Counted<{ date: IsoDate }> {
  let date = args.date;
  let provisional = false;
  for (;;) {
    const day = isWorkingDay(args.calendar, date);
    provisional ||= day.provisional;
    if (day.working) return { date, provisional };
    date = addDays(date, 1);
  }
}

/** The working day that lies `days` working days before `date` (for reminders ahead of a deadline). */
export function workingDaysBefore(args: { date: IsoDate; days: number; calendar: Calendar }): Counted<{ date: IsoDate }> {
  let date = args.date;
  let counted = 0;
  let provisional = false;
  while (counted < args.days) {
    date = addDays(date, -1);
    const day = isWorkingDay(args.calendar, date);
    provisional ||= day.provisional;
    if (day.working) counted += 1;
  }
  return { date, provisional };
}

/** Checks an administrator's schedule for a year; returns field messages, empty when valid. */
export function scheduleProblems(schedule: YearSchedule): Record<string, string> {
  const problems: Record<string, string> = {};
  const inYear = (d: IsoDate) => yearOf(d) === schedule.year;
  const badHoliday = schedule.holidays.find((d) => !inYear(d));
  if (badHoliday) problems.holidays = `${badHoliday} 不在 ${schedule.year} 年内`;
  const badWorkday = schedule.workdays.find((d) => !inYear(d));
  if (badWorkday) problems.workdays = `${badWorkday} 不在 ${schedule.year} 年内`;
  else {
    const weekdayWorkday = schedule.workdays.find((d) => weekday(d) !== 0 && weekday(d) !== 6);
    if (weekdayWorkday) problems.workdays = `${weekdayWorkday} 不是周末，无需列为调休上班日`;
    const both = schedule.workdays.find((d) => schedule.holidays.includes(d));
    if (both) problems.workdays = `${both} 不能既是放假日又是上班日`;
  }
  return problems;
}
