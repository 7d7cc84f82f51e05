import type pg from 'pg';
import type { RetentionStore } from '../retentionStore.ts';
import { erasedRequestJson } from '../erasedRequest.ts';
import { firstRow, rows } from './sql.ts';
import { transaction, withRetry } from './transaction.ts';

export function createRetentionStore(pool: pg.Pool): RetentionStore {
  return {
    /** One short transaction; rows another host is erasing at the same moment are skipped, not waited for. */
    eraseFinishedBefore: (cutoffMs, nowMs, limit) => transaction(pool, async (client) => {
      const due = await rows<{ id: number; request_json: string }>(client,
        `SELECT id, request_json FROM jobs WHERE erased_at IS NULL AND finished_at IS NOT NULL AND finished_at < $1
         ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED`, [cutoffMs, limit]);
      if (due.length === 0) return 0;
      const erased = await client.query(
        `UPDATE jobs SET prompt = '', image_url = NULL, image_name = NULL, image_sha256 = NULL, video_url = NULL, failure_detail = NULL,
           interaction_token = NULL, request_json = e.request_json, erased_at = $3
         FROM unnest($1::bigint[], $2::text[]) AS e (id, request_json) WHERE jobs.id = e.id AND jobs.erased_at IS NULL`,
        [due.map((r) => r.id), due.map((r) => erasedRequestJson(r.request_json)), nowMs]);
      return erased.rowCount ?? 0;
    }),

    /**
     * One image per statement; an image another host is linking right now (its row locked) is skipped,
     * and its parts go with it (ON DELETE CASCADE).
     */
    async dropUnreferencedImage(createdBefore) {
      const dropped = await withRetry(() => firstRow<{ sha256: string }>(pool,
        `DELETE FROM reference_images WHERE sha256 = (
           SELECT sha256 FROM reference_images r WHERE created_at < $1 AND NOT EXISTS (SELECT 1 FROM jobs WHERE image_sha256 = r.sha256)
           LIMIT 1 FOR UPDATE SKIP LOCKED)
         AND NOT EXISTS (SELECT 1 FROM jobs WHERE image_sha256 = reference_images.sha256) RETURNING sha256`, [createdBefore]));
      return dropped !== undefined;
    },

    /**
     * An UPDATE leaves the old row version in the table until VACUUM removes it: vacuumed now, so the
     * erased text does not wait for autovacuum. A version an open transaction can still see stays until
     * the next run; the WAL and any base backup keep theirs until they are recycled (docs/scaling.md).
     */
    async checkpointAfterErase() {
      await pool.query('VACUUM jobs, reference_images, reference_image_parts');
      return true;
    },
  };
}
