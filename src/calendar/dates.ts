// Calendar dates as `YYYY-MM-DD` strings, and the Asia/Shanghai day an instant falls on.
// Statutory periods are counted in Chinese calendar days whatever the machine's time zone.
// China Standard Time is UTC+8 all year (no daylight saving since 1991), so a fixed offset is exact.

import { z } from 'zod';

export type IsoDate = string;

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A date as sent to us: YYYY-MM-DD, a real day, in 1900–2999. Further out is a typing mistake (a
 * deferral to 2206) or a probe, and counting working days from near 9999 would run past the dates
 * PostgreSQL and this format share.
 */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  if (y! < '1900' || y! > '2999') return false;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.toISOString().slice(0, 10) === value;
}

/** A date field of any input: isIsoDate, with the one message it refuses with. */
export const isoDateField = z.string().refine(isIsoDate, '日期应为 YYYY-MM-DD 格式，在 1900 至 2999 年之间');

function toUtcMs(date: IsoDate): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function fromUtcMs(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  return new Date(toUtcMs(date)).getUTCDay();
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The calendar day in Asia/Shanghai on which an instant falls. */
export function shanghaiDate(instant: Date): IsoDate {
  return fromUtcMs(instant.getTime() + SHANGHAI_OFFSET_MS);
}

/** 00:00 Asia/Shanghai at the start of a day. */
export function startOfShanghaiDay(date: IsoDate): Date {
  return new Date(toUtcMs(date) - SHANGHAI_OFFSET_MS);
}

/** The first instant after a day is over in Asia/Shanghai: when a period ending that day has run out. */
export function endOfShanghaiDay(date: IsoDate): Date {
  return startOfShanghaiDay(addDays(date, 1));
}

/** An instant as ISO 8601 with the +08:00 offset, as the API shows instants. */
export function toShanghaiIso(instant: Date): string {
  const local = new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return `${local.slice(0, 19)}+08:00`;
}
