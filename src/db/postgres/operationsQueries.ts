import type pg from 'pg';
import { activeStatuses, type JobStatus } from '../job.ts';
import type { OperationsQueries } from '../operationsQueries.ts';
import { firstRow, inList, rows } from './sql.ts';

/** States a job can wait in; terminal ones are only counted as events, never by scanning history. */
const unfinishedStatuses: readonly JobStatus[] = [...activeStatuses, 'submit_unknown', 'timed_out'];

export function createOperationsQueries(pool: pg.Pool): OperationsQueries {
  return {
    unfinishedStatuses,
    async unfinishedJobCounts() {
      const counts = await rows<{ status: JobStatus; n: number }>(pool,
        `SELECT status, COUNT(*) AS n FROM jobs WHERE status IN (${inList(unfinishedStatuses)}) GROUP BY status`);
      return new Map(counts.map((r) => [r.status, r.n]));
    },
    oldestActiveJobCreatedAt: async () =>
      (await firstRow<{ at: number | null }>(pool, `SELECT MIN(created_at) AS at FROM jobs WHERE status IN (${inList(activeStatuses)})`))?.at ?? null,
    spendMicrosBetween: async (fromMs, toMs) =>
      (await firstRow<{ total: number }>(pool, 'SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE period_at >= $1 AND period_at < $2', [fromMs, toMs]))?.total ?? 0,
    /** A primary that accepts writes in this session: not a standby, not a read-only default. Nothing is written. */
    async isWritable() {
      try {
        const row = await firstRow<{ writable: boolean }>(pool,
          "SELECT NOT pg_is_in_recovery() AND current_setting('default_transaction_read_only') = 'off' AS writable");
        return row?.writable === true;
      } catch {
        return false;
      }
    },
  };
}
