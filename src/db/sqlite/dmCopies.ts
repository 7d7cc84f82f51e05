import type { DmCopyGrant } from '../jobStore.ts';
import { writeTransaction } from './busyRetry.ts';
import type { Db } from './openDatabase.ts';

/**
 * One private copy per member and job per window, kept in SQLite so a restart does not hand out a
 * second round of downloads and uploads.
 */
export function createDmCopies(db: Db) {
  const read = db.prepare<[number, string], { sent_at: number; repeats: number }>(
    'SELECT sent_at, repeats FROM dm_copies WHERE job_id = ? AND user_id = ?');
  const grant = db.prepare(
    `INSERT INTO dm_copies (job_id, user_id, sent_at, repeats) VALUES (?, ?, ?, 0)
     ON CONFLICT (job_id, user_id) DO UPDATE SET sent_at = excluded.sent_at, repeats = 0`);
  const repeat = db.prepare('UPDATE dm_copies SET repeats = repeats + 1 WHERE job_id = ? AND user_id = ?');
  const release = db.prepare('DELETE FROM dm_copies WHERE job_id = ? AND user_id = ? AND sent_at = ?');

  return {
    claimDmCopy: writeTransaction(db, (jobId: number, userId: string, now: number, windowMs: number): { grant: DmCopyGrant; claimedAt: number } => {
      const row = read.get(jobId, userId);
      if (!row || row.sent_at <= now - windowMs) {
        grant.run(jobId, userId, now);
        return { grant: 'copy', claimedAt: now };
      }
      repeat.run(jobId, userId);
      return { grant: row.repeats === 0 ? 'link' : 'none', claimedAt: row.sent_at };
    }),
    /** The copy never arrived (DMs closed, Discord down): the member may ask again at once. */
    releaseDmCopy(jobId: number, userId: string, claimedAt: number): void {
      release.run(jobId, userId, claimedAt);
    },
  };
}
