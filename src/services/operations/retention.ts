import type { Clock, TimerHandle } from '../../clock.ts';
import type { RetentionStore } from '../../db/retentionStore.ts';
import type { Logger } from '../../logger.ts';

const dayMs = 24 * 60 * 60_000;
// Small batches keep each write transaction short, so commands never wait behind a long erase.
const batchSize = 500;

/** RETENTION_DAYS: once at start and then daily, erase the prompts and URLs of jobs finished longer ago. */
export function createRetention(deps: { store: RetentionStore; clock: Clock; logger: Logger; retentionDays: number }) {
  const { store, clock, logger, retentionDays } = deps;
  let timer: TimerHandle | undefined;
  let stopped = false;

  const runOnce = (): number => {
    const now = clock.now();
    const cutoff = now - retentionDays * dayMs;
    let total = 0;
    for (;;) {
      const erased = store.eraseFinishedBefore(cutoff, now, batchSize);
      total += erased;
      if (erased < batchSize) break;
    }
    if (total > 0) logger.info('retention_erased', { jobs: total, retentionDays });
    return total;
  };
  const schedule = () => {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      try {
        runOnce();
      } catch (err) {
        logger.error('retention_failed', { err });
      }
      schedule();
    }, dayMs);
  };

  return {
    runOnce,
    start() {
      if (retentionDays <= 0) return;
      runOnce();
      schedule();
    },
    stop() {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
    },
  };
}
