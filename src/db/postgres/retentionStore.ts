import type pg from 'pg';
import type { RetentionStore } from '../retentionStore.ts';
import { erasedRequestJson } from '../erasedRequest.ts';
import { rows } from './sql.ts';
import { transaction } from './transaction.ts';

export function createRetentionStore(pool: pg.Pool): RetentionStore {
  return {
    /** One short transaction; rows another host is erasing at the same moment are skipped, not waited for. */
    eraseFinishedBefore: (cutoffMs, nowMs, limit) => transaction(pool, async (client) => {
      const due = await rows<{ id: number; request_json: string }>(client,
        `SELECT id, request_json FROM jobs WHERE erased_at IS NULL AND finished_at IS NOT NULL AND finished_at < $1
         ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED`, [cutoffMs, limit]);
      if (due.length === 0) return 0;
      const erased = await client.query(
        `UPDATE jobs SET prompt = '', image_url = NULL, image_name = NULL, video_url = NULL, failure_detail = NULL,
           interaction_token = NULL, request_json = e.request_json, erased_at = $3
         FROM unnest($1::bigint[], $2::text[]) AS e (id, request_json) WHERE jobs.id = e.id AND jobs.erased_at IS NULL`,
        [due.map((r) => r.id), due.map((r) => erasedRequestJson(r.request_json)), nowMs]);
      return erased.rowCount ?? 0;
    }),
  };
}
