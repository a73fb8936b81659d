// Working days (工作日) as the 条例 counts them (docs/statute.md §1):
// - Monday to Friday are working days, minus the official holidays of the State Council's yearly
//   notice, plus the weekend days that notice makes working days (调休上班);
// - the day on which a period starts is not counted: "within 20 working days of receipt" ends with
//   the 20th working day after the receipt date;
// - a year whose notice is not loaded counts weekends and the holidays fixed by date (元旦, 劳动节,
//   国庆节, with their make-up days), and every result that touched such a year is flagged
//   provisional, to be recomputed when the administrator loads the year (docs/statute.md §6a).
// Pure: the schedules are passed in; nothing here reads a clock, a global or the database.
// Internally days are counted as integers (days since 1970-01-01), which keeps long sweeps cheap.
import { type IsoDate, weekday, yearOf } from './dates.js';

export type YearSchedule = {
  year: number;
  /** Days off, weekends inside the holiday included. */
  holidays: readonly IsoDate[];
  /** Weekend days that are working days (调休上班). */
  workdays: readonly IsoDate[];
};

type LoadedYear = { first: number; last: number; holidays: ReadonlySet<number>; workdays: ReadonlySet<number> };

export type Calendar = {
  readonly years: ReadonlyMap<number, LoadedYear>;
};

export type Counted<T> = T & { provisional: boolean };

const DAY_MS = 86_400_000;
const toDay = (date: IsoDate): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const fromDay = (day: number): IsoDate => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function buildCalendar(schedules: readonly YearSchedule[]): Calendar {
  const years = new Map<number, LoadedYear>();
  for (const s of schedules) {
    years.set(s.year, {
      first: toDay(`${s.year}-01-01`),
      last: toDay(`${s.year}-12-31`),
      holidays: new Set(s.holidays.map(toDay)),
      workdays: new Set(s.workdays.map(toDay)),
    });
  }
  return { years };
}

function yearContaining(calendar: Calendar, day: number): LoadedYear | undefined {
  for (const y of calendar.years.values()) if (day >= y.first && day <= y.last) return y;
  return undefined;
}

/** 1970-01-01 was a Thursday. */
const isWeekend = (day: number) => {
  const d = (day + 4) % 7;
  return d === 0 || d === 6;
};

/**
 * 《全国年节及纪念日放假办法》(2024) art. 2: the holidays for all citizens fixed by date — 元旦 1 January,
 * 劳动节 1–2 May, 国庆节 1–3 October. (Spring Festival, Qingming, Dragon Boat and Mid-Autumn follow the
 * lunar calendar, and the 调休 days are the yearly notice's: neither can be known before it.)
 */
const FIXED_HOLIDAYS = ['01-01', '05-01', '05-02', '10-01', '10-02', '10-03'] as const;

/**
 * A year whose notice is not loaded: its fixed holidays and, art. 6, for each of them that falls on
 * a Saturday or Sunday a make-up day (补假) on the following working day. Derived from the year
 * alone, so kept once per year.
 */
const provisionalYears = new Map<number, LoadedYear>();
function provisionalYear(year: number): LoadedYear {
  let loaded = provisionalYears.get(year);
  if (!loaded) {
    const off = new Set(FIXED_HOLIDAYS.map((md) => toDay(`${year}-${md}`)));
    for (const holiday of [...off].sort((a, b) => a - b)) {
      if (!isWeekend(holiday)) continue;
      let makeUp = holiday + 1;
      while (isWeekend(makeUp) || off.has(makeUp)) makeUp += 1;
      off.add(makeUp);
    }
    loaded = { first: toDay(`${year}-01-01`), last: toDay(`${year}-12-31`), holidays: off, workdays: new Set() };
    provisionalYears.set(year, loaded);
  }
  return loaded;
}

const yearOfDay = (day: number) => new Date(day * DAY_MS).getUTCFullYear();

function workingDay(calendar: Calendar, day: number): { working: boolean; provisional: boolean } {
  const schedule = yearContaining(calendar, day);
  if (!schedule) return { working: !isWeekend(day) && !provisionalYear(yearOfDay(day)).holidays.has(day), provisional: true };
  if (schedule.workdays.has(day)) return { working: true, provisional: false };
  if (schedule.holidays.has(day)) return { working: false, provisional: false };
  return { working: !isWeekend(day), provisional: false };
}

/**
 * Whether a date stated from `since` on rests on a year whose notice is not loaded: it is then
 * provisional, and letters and mails that state it say so (PROVISIONAL_NOTE).
 */
export function isProvisionalDate(args: { date: IsoDate; since: IsoDate; calendar: Calendar }): boolean {
  for (let year = Math.min(yearOf(args.since), yearOf(args.date)); year <= yearOf(args.date); year += 1) {
    if (!args.calendar.years.has(year)) return true;
  }
  return false;
}

/** What a letter or mail adds to a date that is provisional (docs/statute.md §6a). */
export const PROVISIONAL_NOTE = '（暂定，以国务院公布的节假日安排为准）';

export function isWorkingDay(calendar: Calendar, date: IsoDate): Counted<{ working: boolean }> {
  return workingDay(calendar, toDay(date));
}

// Far more than any statutory period (20 + 20 working days plus stopped time) can span.
const MAX_WORKING_DAYS = 2000;

/** The `days`-th working day after `from`; `from` itself is not counted (docs/statute.md §1). */
export function addWorkingDays(args: { from: IsoDate; days: number; calendar: Calendar }): Counted<{ due: IsoDate }> {
  const { from, days, calendar } = args;
  if (!Number.isInteger(days) || days < 0 || days > MAX_WORKING_DAYS) {
    throw new RangeError(`working days must be an integer from 0 to ${MAX_WORKING_DAYS}, got ${days}`);
  }
  let day = toDay(from);
  let counted = 0;
  let provisional = false;
  while (counted < days) {
    day += 1;
    const d = workingDay(calendar, day);
    provisional ||= d.provisional;
    if (d.working) counted += 1;
  }
  return { due: fromDay(day), provisional };
}

/** Working days d with from < d ≤ to: how many working days of a period have run by the end of `to`. */
export function workingDaysBetween(args: { from: IsoDate; to: IsoDate; calendar: Calendar }): Counted<{ days: number }> {
  const last = toDay(args.to);
  let days = 0;
  let provisional = false;
  for (let day = toDay(args.from) + 1; day <= last; day += 1) {
    const d = workingDay(args.calendar, day);
    provisional ||= d.provisional;
    if (d.working) days += 1;
  }
  return { days, provisional };
}

/** `date` if it is a working day, else the next working day: the receipt day of an online request (art. 31). */
export function workingDayOnOrAfter(args: { date: IsoDate; calendar: Calendar }): Counted<{ date: IsoDate }> {
  let day = toDay(args.date);
  let provisional = false;
  for (;;) {
    const d = workingDay(args.calendar, day);
    provisional ||= d.provisional;
    if (d.working) return { date: fromDay(day), provisional };
    day += 1;
  }
}

/** The working day that lies `days` working days before `date` (for reminders ahead of a deadline). */
export function workingDaysBefore(args: { date: IsoDate; days: number; calendar: Calendar }): Counted<{ date: IsoDate }> {
  let day = toDay(args.date);
  let counted = 0;
  let provisional = false;
  while (counted < args.days) {
    day -= 1;
    const d = workingDay(args.calendar, day);
    provisional ||= d.provisional;
    if (d.working) counted += 1;
  }
  return { date: fromDay(day), provisional };
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
