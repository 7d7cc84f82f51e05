import { activeStatuses, type JobStatus } from '../job.ts';
import type { OperationsQueries } from '../operationsQueries.ts';
import { inList } from './jobQueries.ts';
import type { Db } from './openDatabase.ts';
import { promised } from './promised.ts';

/** States a job can wait in; terminal ones are only counted as events, never by scanning history. */
const unfinishedStatuses: readonly JobStatus[] = [...activeStatuses, 'submit_unknown', 'timed_out'];

export function createOperationsQueries(db: Db): OperationsQueries {
  const countsByStatus = db.prepare<[], { status: JobStatus; n: number }>(
    `SELECT status, COUNT(*) AS n FROM jobs WHERE status IN (${inList(unfinishedStatuses)}) GROUP BY status`);
  const oldestActive = db.prepare<[], { at: number | null }>(
    `SELECT MIN(created_at) AS at FROM jobs WHERE status IN (${inList(activeStatuses)})`);
  const spendBetween = db.prepare<[number, number], { total: number }>(
    'SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE period_at >= ? AND period_at < ?');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const rollback = db.prepare('ROLLBACK');

  const sync = {
    unfinishedStatuses,
    unfinishedJobCounts(): Map<JobStatus, number> {
      return new Map(countsByStatus.all().map((r) => [r.status, r.n]));
    },
    oldestActiveJobCreatedAt: () => oldestActive.get()?.at ?? null,
    spendMicrosBetween: (fromMs: number, toMs: number) => spendBetween.get(fromMs, toMs)?.total ?? 0,
    /** Takes the write lock and changes a page inside a transaction it rolls back: writable, and nothing written. */
    isWritable(): boolean {
      try {
        begin.run();
        const version = db.pragma('user_version', { simple: true }) as number;
        db.pragma(`user_version = ${version}`);
        rollback.run();
        return true;
      } catch {
        if (db.inTransaction) rollback.run();
        return false;
      }
    },
  };
  return promised(sync);
}
