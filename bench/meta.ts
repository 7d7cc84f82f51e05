import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface BenchMeta {
  commit: string; dirty: boolean; node: string; cpu: string; cores: number; memoryGiB: number; date: string; size: 'full' | 'small';
  /** The machine's 1-, 5- and 15-minute load averages when the run started: other work competes for its cores. */
  loadAverage: number[];
}

/** The 1-, 5- and 15-minute load averages, to two decimals. */
export const loadAverage = () => loadavg().map((l) => Math.round(l * 100) / 100);

/** Where and on what a run happened, so results.json names the commit it measured. */
export function benchMeta(size: 'full' | 'small'): BenchMeta {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  return {
    commit: git('rev-parse', 'HEAD') || 'unknown',
    // The results file itself is rewritten by every run, so it does not make the tree count as changed.
    dirty: git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results.json') !== '',
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    date: new Date().toISOString(),
    size,
    loadAverage: loadAverage(),
  };
}
