import type { Clock, TimerHandle } from '../../clock.ts';
import type { RetentionStore } from '../../db/retentionStore.ts';
import type { Logger } from '../../logger.ts';
import { createPendingCheckpoint } from './pendingCheckpoint.ts';

const dayMs = 24 * 60 * 60_000;
/** A kept image younger than this may still be being written, part by part, before its job is linked. */
const imageWriteGraceMs = 60 * 60_000;
// Small batches keep each write transaction short, so commands never wait behind a long erase.
const batchSize = 500;

/** RETENTION_DAYS: once at start and then daily, erase the prompts and URLs of jobs finished longer ago. */
export function createRetention(deps: { store: RetentionStore; clock: Clock; logger: Logger; retentionDays: number }) {
  const { store, clock, logger, retentionDays } = deps;
  let timer: TimerHandle | undefined;
  let stopped = false;
  const checkpoint = createPendingCheckpoint({ store, clock, logger });

  const cutoffAt = (now: number) => now - retentionDays * dayMs;
  // An erase is complete only once the store has dropped every earlier copy of the erased text too.
  // A checkpoint an earlier run still owes is tried even when this one erased nothing.
  const report = async (total: number, images: number): Promise<number> => {
    const erased = total > 0 || images > 0;
    await checkpoint.run(erased);
    if (erased) logger.info('retention_erased', { jobs: total, referenceImages: images, retentionDays });
    return total;
  };

  /** Every due job at once, without yielding: for tools and tests. */
  const runOnce = async (): Promise<number> => {
    const now = clock.now();
    let total = 0;
    for (;;) {
      const erased = await store.eraseFinishedBefore(cutoffAt(now), now, batchSize);
      total += erased;
      if (erased < batchSize) break;
    }
    let images = 0;
    while (await store.dropUnreferencedImage(now - imageWriteGraceMs)) images++;
    return report(total, images);
  };

  /**
   * The same, giving the event loop back between batches: a first run over a long history would
   * otherwise hold the process for seconds, and interactions not acknowledged within 3 s are lost.
   */
  const run = async (): Promise<number> => {
    const now = clock.now();
    let total = 0;
    while (!stopped) {
      const erased = await store.eraseFinishedBefore(cutoffAt(now), now, batchSize);
      total += erased;
      if (erased < batchSize) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    let images = 0;
    while (!stopped && await store.dropUnreferencedImage(now - imageWriteGraceMs)) {
      images++;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return report(total, images);
  };
  const runLogged = () => run().catch((err: unknown) => {
    logger.error('retention_failed', { err });
    return 0;
  });
  const schedule = () => {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      void runLogged().then(schedule);
    }, dayMs);
  };

  return {
    runOnce,
    /** Resolves when the first run has finished; later runs follow daily. */
    start(): Promise<number> {
      if (retentionDays <= 0) return Promise.resolve(0);
      return runLogged().then((erased) => {
        schedule();
        return erased;
      });
    },
    stop() {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
      checkpoint.stop();
    },
  };
}
