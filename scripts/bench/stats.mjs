// @ts-check
/**
 * Percentiles, the one-line latency report every figure of `npm run bench` is printed with, and the
 * machine's load (other work on it skews the figures).
 */
import { availableParallelism, loadavg } from 'node:os';

/** @param {number[]} values @param {number} p */
export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

/** @param {string} label @param {number[]} ms */
export const report = (label, ms) =>
  console.log(
    `  ${label.padEnd(44)} n=${String(ms.length).padStart(4)}  p50=${percentile(ms, 50).toFixed(2)} ms  p95=${percentile(ms, 95).toFixed(2)} ms  p99=${percentile(ms, 99).toFixed(2)} ms`,
  );

/** The 1-minute load average against the CPU count, e.g. `load 1.52 on 2 CPUs`. */
export const loadAverage = () =>
  `load ${(loadavg()[0] ?? 0).toFixed(2)} (1 min) on ${availableParallelism()} CPUs`;
