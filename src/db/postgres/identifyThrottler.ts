import type pg from 'pg';
import type { IdentifyThrottler } from '../hostCoordination.ts';
import { firstRow } from './sql.ts';

/** Discord allows one IDENTIFY per 5 seconds in each bucket; the margin covers the hosts' network paths. */
export const identifySpacingMs = 5_500;

const pause = (ms: number, signal: AbortSignal) => new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => {
    signal.removeEventListener('abort', abort);
    resolve();
  }, ms);
  const abort = () => {
    clearTimeout(timer);
    reject(signal.reason);
  };
  signal.addEventListener('abort', abort, { once: true });
});

/**
 * IDENTIFYs spaced per bucket (`shard_id % max_concurrency`) for the whole bot: a shard may identify
 * when its bucket's last IDENTIFY, on any host, is at least the spacing ago. The slot is taken by one
 * guarded upsert on the bucket's row, timed by the database's clock so the hosts' clocks do not matter.
 */
export function createIdentifyThrottler(pool: pg.Pool, maxConcurrency: number, spacingMs = identifySpacingMs): IdentifyThrottler {
  return {
    async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
      const bucket = shardId % Math.max(1, maxConcurrency);
      for (;;) {
        signal.throwIfAborted();
        const row = await firstRow<{ granted: boolean; wait_ms: number | null }>(pool,
          `WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms),
           took AS (INSERT INTO identify_slots AS s (bucket, last_identify_at) SELECT $1, ms FROM clock
             ON CONFLICT (bucket) DO UPDATE SET last_identify_at = excluded.last_identify_at
             WHERE s.last_identify_at <= excluded.last_identify_at - $2::bigint RETURNING 1)
           SELECT EXISTS (SELECT 1 FROM took) AS granted,
             (SELECT s.last_identify_at + $2::bigint - clock.ms FROM identify_slots s, clock WHERE s.bucket = $1) AS wait_ms`,
          [bucket, spacingMs]);
        if (row?.granted) return;
        await pause(Math.min(spacingMs, Math.max(50, row?.wait_ms ?? 50)) + Math.random() * 250, signal);
      }
    },
  };
}
