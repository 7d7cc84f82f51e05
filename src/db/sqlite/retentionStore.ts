import { erasedRequestJson } from '../erasedRequest.ts';
import type { RetentionStore } from '../retentionStore.ts';
import type { Db } from './openDatabase.ts';
import { promised } from './promised.ts';

export function createRetentionStore(db: Db): RetentionStore {
  const due = db.prepare<[number, number], { id: number; request_json: string }>(
    'SELECT id, request_json FROM jobs WHERE erased_at IS NULL AND finished_at IS NOT NULL AND finished_at < ? ORDER BY finished_at LIMIT ?');
  const erase = db.prepare(
    `UPDATE jobs SET prompt = '', image_url = NULL, image_name = NULL, image_sha256 = NULL, video_url = NULL, failure_detail = NULL,
       interaction_token = NULL, request_json = ?, erased_at = ? WHERE id = ? AND erased_at IS NULL`);
  // Kept bytes go with the last job that refers to them: a re-roll still within the period keeps its image.
  const unreferencedImage = db.prepare<[number], { sha256: string }>(
    'SELECT sha256 FROM reference_images r WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE image_sha256 = r.sha256) LIMIT 1');
  // Its parts go with it (ON DELETE CASCADE).
  const dropImage = db.prepare(
    'DELETE FROM reference_images WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE image_sha256 = ?)');

  const eraseBatch = db.transaction((cutoffMs: number, nowMs: number, limit: number): number => {
    let erased = 0;
    for (const row of due.all(cutoffMs, limit)) {
      erased += erase.run(erasedRequestJson(row.request_json), nowMs, row.id).changes;
    }
    return erased;
  });

  const sync = {
    // The connection runs with secure_delete (openDatabase): the old row's bytes are overwritten, not only freed.
    eraseFinishedBefore: (cutoffMs: number, nowMs: number, limit: number): number => eraseBatch.immediate(cutoffMs, nowMs, limit),
    dropUnreferencedImage(createdBefore: number): boolean {
      const row = unreferencedImage.get(createdBefore);
      return row !== undefined && dropImage.run(row.sha256, row.sha256).changes === 1;
    },
    // The WAL still holds the page images from before the erase: copy the erased pages into the file and empty it.
    // Without waiting for readers: the call is synchronous, so a busy timeout would hold the whole event loop.
    // A checkpoint a reader holds up answers false and retention tries again (pendingCheckpoint.ts).
    checkpointAfterErase(): boolean {
      const busyTimeoutMs = db.pragma('busy_timeout', { simple: true }) as number;
      db.pragma('busy_timeout = 0');
      try {
        const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
        return result?.busy === 0;
      } finally {
        db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      }
    },
  };
  return promised(sync);
}
