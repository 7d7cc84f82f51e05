import type { Db } from './openDatabase.ts';

export interface QueueStats { queued: number; running: number; oldestCreatedAt: number | null }

/** What an operator asks about the whole pipeline (`/video-admin status`); each reads the status index. */
export function createOperationsQueries(db: Db) {
  const stats = db.prepare<[], { queued: number; running: number; oldest: number | null }>(
    `SELECT COALESCE(SUM(status = 'queued'), 0) AS queued, COALESCE(SUM(status IN ('submitting', 'submitted')), 0) AS running,
       MIN(created_at) AS oldest
     FROM jobs WHERE status IN ('queued', 'submitting', 'submitted')`);
  return {
    queueStats(): QueueStats {
      const row = stats.get();
      return { queued: row?.queued ?? 0, running: row?.running ?? 0, oldestCreatedAt: row?.oldest ?? null };
    },
  };
}
