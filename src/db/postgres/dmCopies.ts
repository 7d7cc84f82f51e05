import type pg from 'pg';
import type { DmCopyGrant } from '../jobStore.ts';
import { changes, firstRow } from './sql.ts';
import { withRetry } from './transaction.ts';

/**
 * One private copy per member and job per window, kept in the database so a restart (or another
 * host) does not hand out a second round of downloads and uploads.
 */
export function createDmCopies(pool: pg.Pool) {
  return {
    /**
     * One statement: a first claim, or one whose window has passed, is granted a copy (repeats back to
     * 0); inside the window the first repeat gets the link and later ones nothing.
     */
    async claimDmCopy(jobId: number, userId: string, now: number, windowMs: number): Promise<{ grant: DmCopyGrant; claimedAt: number }> {
      const row = await withRetry(() => firstRow<{ sent_at: number; repeats: number }>(pool,
        `INSERT INTO dm_copies AS d (job_id, user_id, sent_at, repeats) VALUES ($1, $2, $3, 0)
         ON CONFLICT (job_id, user_id) DO UPDATE SET
           sent_at = CASE WHEN d.sent_at <= $3 - $4::bigint THEN excluded.sent_at ELSE d.sent_at END,
           repeats = CASE WHEN d.sent_at <= $3 - $4::bigint THEN 0 ELSE d.repeats + 1 END
         RETURNING sent_at, repeats`, [jobId, userId, now, windowMs])) as { sent_at: number; repeats: number };
      const grant: DmCopyGrant = row.repeats === 0 ? 'copy' : row.repeats === 1 ? 'link' : 'none';
      return { grant, claimedAt: row.sent_at };
    },
    /** The copy never arrived (DMs closed, Discord down): the member may ask again at once. */
    async releaseDmCopy(jobId: number, userId: string, claimedAt: number): Promise<void> {
      await withRetry(() => changes(pool, 'DELETE FROM dm_copies WHERE job_id = $1 AND user_id = $2 AND sent_at = $3', [jobId, userId, claimedAt]));
    },
  };
}
