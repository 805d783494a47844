/** How durations and money read in the UI. */

const MS_PER_SECOND = 1000;
const SECONDS_PER_MINUTE = 60;
const MINUTES_PER_HOUR = 60;
/** Below this, costs show four decimals so the first cents of a run are visible. */
const SMALL_COST_USD = 0.01;

/** `12s`, `3m 05s`, `1h 02m`. */
/** Durations shorter than this show tenths of a second. */
const TENTHS_BELOW_MS = 10_000;

export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / MS_PER_SECOND));
  const seconds = totalSeconds % SECONDS_PER_MINUTE;
  const totalMinutes = Math.floor(totalSeconds / SECONDS_PER_MINUTE);
  const minutes = totalMinutes % MINUTES_PER_HOUR;
  const hours = Math.floor(totalMinutes / MINUTES_PER_HOUR);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  if (totalMinutes > 0) return `${minutes}m ${pad(seconds)}s`;
  // Under ten seconds a tenth matters: most tasks of a small goal take less than one.
  if (ms < TENTHS_BELOW_MS) return `${(Math.max(0, Math.floor(ms / 100)) / 10).toFixed(1)}s`;
  return `${seconds}s`;
}

/** `$0.42`, `$0.0031`, `$12.50`. */
export function formatCost(usd: number): string {
  if (usd > 0 && usd < SMALL_COST_USD) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** A local date and time for an ISO timestamp; the input itself when it does not parse. */
export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString();
}
