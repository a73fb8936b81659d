// Statistics for supervisors and administrators, and bar-chart geometry for server-rendered SVG. Pure.
import type { IsoDate } from '../calendar/dates.js';
import { workingDaysBetween, type Calendar } from '../calendar/working-days.js';

export type ConcludedCase = { agency: string; month: string; receivedOn: IsoDate; concludedOn: IsoDate; dueOn: IsoDate | null };

export type MonthFigures = { agency: string; month: string; answered: number; onTime: number; onTimeRate: number | null; medianWorkingDays: number | null };

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** On time: concluded by the deadline as it stood (extension and stopped periods included). */
export function monthlyFigures(rows: ConcludedCase[], calendar: Calendar): MonthFigures[] {
  const groups = new Map<string, ConcludedCase[]>();
  for (const r of rows) {
    const key = `${r.agency}\u0000${r.month}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.entries()]
    .map(([key, list]) => {
      const [agency, month] = key.split('\u0000') as [string, string];
      const onTime = list.filter((r) => r.dueOn !== null && r.concludedOn <= r.dueOn).length;
      return {
        agency,
        month,
        answered: list.length,
        onTime,
        onTimeRate: list.length ? onTime / list.length : null,
        medianWorkingDays: median(list.map((r) => workingDaysBetween({ from: r.receivedOn, to: r.concludedOn, calendar }).days)),
      };
    })
    .sort((a, b) => (a.agency === b.agency ? a.month.localeCompare(b.month) : a.agency.localeCompare(b.agency)));
}

export type Bar = { label: string; value: number; text: string; x: number; y: number; width: number; height: number; labelX: number; valueY: number };

/** Geometry of a vertical bar chart; the template draws it. */
export function barChart(args: { bars: { label: string; value: number; text?: string }[]; max?: number; width?: number; height?: number }) {
  const width = args.width ?? 640;
  const height = args.height ?? 220;
  const top = 20;
  const bottom = 40;
  const plot = height - top - bottom;
  const max = Math.max(args.max ?? 0, ...args.bars.map((b) => b.value), 1);
  const slot = width / Math.max(args.bars.length, 1);
  const barWidth = Math.max(4, Math.min(48, slot * 0.6));
  const bars: Bar[] = args.bars.map((b, i) => {
    const h = Math.round((b.value / max) * plot);
    const x = Math.round(i * slot + (slot - barWidth) / 2);
    return {
      label: b.label,
      value: b.value,
      text: b.text ?? String(b.value),
      x,
      y: top + plot - h,
      width: Math.round(barWidth),
      height: h,
      labelX: Math.round(i * slot + slot / 2),
      valueY: top + plot - h - 4,
    };
  });
  return { width, height, baseline: top + plot, labelY: height - bottom + 16, bars };
}
