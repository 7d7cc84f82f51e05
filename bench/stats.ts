export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * `invariant`: a correctness result (every command answered, money consistent, no global 429, the stage
 * ran to its end) that CI fails on; timing and memory goals are judged by people, on a quiet machine.
 */
export interface BenchResult { name: string; value: number; unit: string; goal: string; met: boolean; invariant?: boolean }

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const median = (values: readonly number[]) => percentile(values, 50);
