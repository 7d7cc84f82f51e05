import type { Clock, TimerHandle } from '../../clock.ts';
import type { RetentionStore } from '../../db/retentionStore.ts';
import type { Logger } from '../../logger.ts';

/** After a checkpoint a reader held up: soon, then less often; past the last, the next daily run tries again. */
const retryDelaysMs = [1_000, 10_000, 60_000];

/**
 * The checkpoint that drops the erased text's earlier copies, remembered until it has run. The store gives up
 * at once while a reader holds it (it must not hold the event loop), so without this the text would stay in
 * the write-ahead log until some later run happened to erase something again.
 */
export function createPendingCheckpoint(deps: { store: RetentionStore; clock: Clock; logger: Logger }) {
  const { store, clock, logger } = deps;
  let pending = false;
  let retry: TimerHandle | undefined;
  let stopped = false;

  const cancelRetry = () => {
    if (retry) clock.clearTimeout(retry);
    retry = undefined;
  };
  const attempt = async (): Promise<boolean> => {
    if (!pending) return true;
    if (await store.checkpointAfterErase()) {
      pending = false;
      cancelRetry();
      return true;
    }
    return false;
  };
  const retryFrom = (index: number) => {
    const delayMs = retryDelaysMs[index];
    if (stopped || delayMs === undefined) return;
    retry = clock.setTimeout(() => {
      retry = undefined;
      void attempt().then(
        (done) => { if (!done) retryFrom(index + 1); },
        (err: unknown) => logger.error('retention_checkpoint_failed', { err }),
      );
    }, delayMs);
  };

  return {
    /** After an erase that changed rows, and on every run while one is still owed: true once it has run. */
    async run(erased: boolean): Promise<boolean> {
      if (erased) pending = true;
      if (await attempt()) return true;
      logger.warn('retention_checkpoint_busy', { action: 'the WAL keeps erased text until a checkpoint gets through; retrying' });
      if (!retry) retryFrom(0);
      return false;
    },
    stop() {
      stopped = true;
      cancelRetry();
    },
  };
}
