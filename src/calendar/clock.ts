// "Now" is injected everywhere: production uses the system clock, tests move a manual one.
import { shanghaiDate, type IsoDate } from './dates.js';

export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: for tests and benchmarks. */
export function manualClock(start: Date | string): Clock & { set(to: Date | string): void; advanceDays(days: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(to) {
      current = new Date(to);
    },
    advanceDays(days) {
      current = new Date(current.getTime() + days * 24 * 60 * 60 * 1000);
    },
  };
}

export function today(clock: Clock): IsoDate {
  return shanghaiDate(clock.now());
}
