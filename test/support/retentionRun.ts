import type { RetentionStore } from '../../src/db/retentionStore.ts';
import { createLogger } from '../../src/logger.ts';
import { createRetention } from '../../src/services/operations/retention.ts';

/** One retention run at `now`, as RETENTION_DAYS=`days` makes it, without the daily timer; answers the jobs erased. */
export function runRetentionOnce(store: RetentionStore, days: number, now: number): Promise<number> {
  return createRetention({
    store, retentionDays: days,
    logger: createLogger({ level: 'error', secrets: [], write: () => undefined }),
    clock: { now: () => now, setTimeout: () => ({ id: 0 }), clearTimeout: () => undefined },
  }).runOnce();
}
