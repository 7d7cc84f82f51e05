import { activeStatuses, type JobStatus } from './jobRow.ts';
import { inList } from './jobQueries.ts';
import type { Db } from './openDatabase.ts';

/** States a job can wait in; terminal ones are only counted as events, never by scanning history. */
const unfinishedStatuses: readonly JobStatus[] = [...activeStatuses, 'submit_unknown', 'timed_out'];

/** What the health check and the metrics read: cheap, history-independent questions. */
export function createOperationsQueries(db: Db) {
  const countsByStatus = db.prepare<[], { status: JobStatus; n: number }>(
    `SELECT status, COUNT(*) AS n FROM jobs WHERE status IN (${inList(unfinishedStatuses)}) GROUP BY status`);
  const oldestActive = db.prepare<[], { at: number | null }>(
    `SELECT MIN(created_at) AS at FROM jobs WHERE status IN (${inList(activeStatuses)})`);
  const spendBetween = db.prepare<[number, number], { total: number }>(
    'SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE period_at >= ? AND period_at < ?');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const rollback = db.prepare('ROLLBACK');

  return {
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
}

export type OperationsQueries = ReturnType<typeof createOperationsQueries>;
