/** Small statistics and formatting helpers for the benchmark's figures. */
import { performance } from 'node:perf_hooks';

export const MIB = 1024 * 1024;

/** Several measurements of one quantity. */
export interface Sample {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function sample(values: readonly number[]): Sample {
  if (values.length === 0) throw new Error('no measurements');
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), min: sorted[0]!, max: sorted[sorted.length - 1]!, values: [...values] };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('no measurements');
  if (p === 50 && sorted.length % 2 === 0) {
    const mid = sorted.length / 2;
    return (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export function now(): number {
  return performance.now();
}

/** MiB/s for `bytes` moved in `ms`. */
export function mibPerSec(bytes: number, ms: number): number {
  return bytes / MIB / (ms / 1000);
}

/** `312.4 (280.1–340.2)` with `digits` decimals. */
export function fmt(s: Sample, digits = 1): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/** One row of the final table. */
export interface Row {
  figure: string;
  measured: string;
  baseline: string;
  ratio: string;
  target: string;
}

export function printTable(rows: readonly Row[]): void {
  const head: Row = { figure: 'figure', measured: 'measured: median (range)', baseline: 'baseline: median (range)', ratio: 'ratio', target: 'target' };
  const all = [head, ...rows];
  const keys = ['figure', 'measured', 'baseline', 'ratio', 'target'] as const;
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  const line = (r: Row): string => keys.map((k, i) => r[k].padEnd(widths[i]!)).join(' | ').trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
  for (const r of rows) console.log(line(r));
}
