import type { IsoDate } from '../calendar/dates.js';

/** 2026-03-02 → 2026年3月2日, as dates are written in official letters. */
export function chineseDate(date: IsoDate | null | undefined): string {
  if (!date) return '';
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}
