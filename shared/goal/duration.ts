/** Time limits in a goal file: `90` (seconds), `"90s"`, `"10m"`, `"1.5h"`, read as milliseconds and written back. */

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;

/** Largest unit first, so that formatDuration picks the shortest exact form. */
const UNITS = [['h', MS_PER_HOUR], ['m', MS_PER_MINUTE], ['s', MS_PER_SECOND]] as const;
const UNIT_MS: Readonly<Record<string, number>> = Object.fromEntries(UNITS);
const WITH_UNIT = /^(\d+(?:\.\d+)?)[ \t]*([hms])$/;

/**
 * Longest time limit accepted: a week. Timers cannot wait longer than 2^31-1 ms (about 24.8
 * days; a longer delay fires at once), and no task should need a limit of more than days.
 */
export const MAX_TIMEOUT_MS = 7 * 24 * MS_PER_HOUR;

/** What a time limit must look like, for messages. */
export const DURATION_RULE = 'must be a time limit above 0 and at most a week: a number of seconds, or text like "90s", "10m" or "1h"';
/** What an estimate must look like, for messages. */
export const ESTIMATE_RULE = 'must be how long the task should take, above 0 and at most a week: a number of seconds, or text like "90s", "10m" or "1h"';

/** Milliseconds for a number of seconds or a `<number><h|m|s>` text; undefined when it is neither or out of range. */
export function parseDuration(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value * MS_PER_SECOND;
  else if (typeof value === 'string') {
    const match = WITH_UNIT.exec(value.trim());
    const unit = UNIT_MS[match?.[2] ?? ''];
    if (match?.[1] !== undefined && unit !== undefined) ms = Number(match[1]) * unit;
  }
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  // Whole milliseconds: finer limits mean nothing to a timer, and they would not round-trip.
  const rounded = Math.round(ms);
  return rounded > 0 && rounded <= MAX_TIMEOUT_MS ? rounded : undefined;
}

/** The shortest form parseDuration reads back as `ms`: `"10m"` for 600000, the seconds as a number otherwise. */
export function formatDuration(ms: number): string | number {
  for (const [unit, size] of UNITS) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms / MS_PER_SECOND;
}
