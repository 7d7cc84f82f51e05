import type { Db } from './openDatabase.ts';

/**
 * Erases what members wrote and what the provider linked (prompt, reference image, video URL, the stored
 * request that repeats them) from jobs finished before a cutoff. Amounts, states, times, the ledger and the
 * audit log stay, so spend totals and counts never change.
 */
export function createRetentionStore(db: Db) {
  const due = db.prepare<[number, number], { id: number; request_json: string }>(
    'SELECT id, request_json FROM jobs WHERE erased_at IS NULL AND finished_at IS NOT NULL AND finished_at < ? ORDER BY finished_at LIMIT ?');
  const erase = db.prepare(
    `UPDATE jobs SET prompt = '', image_url = NULL, image_name = NULL, video_url = NULL, failure_detail = NULL,
       interaction_token = NULL, request_json = ?, erased_at = ? WHERE id = ? AND erased_at IS NULL`);

  const eraseBatch = db.transaction((cutoffMs: number, nowMs: number, limit: number): number => {
    let erased = 0;
    for (const row of due.all(cutoffMs, limit)) {
      erased += erase.run(erasedRequestJson(row.request_json), nowMs, row.id).changes;
    }
    return erased;
  });

  return {
    /**
     * Erases at most `limit` jobs in one short transaction; returns how many it erased. The connection
     * runs with secure_delete (openDatabase), so the old row's bytes are overwritten, not only freed.
     */
    eraseFinishedBefore: (cutoffMs: number, nowMs: number, limit: number): number => eraseBatch.immediate(cutoffMs, nowMs, limit),
    /**
     * The WAL still holds the page images from before the erase: copy the erased pages into the file
     * and empty the WAL. Returns false when a reader kept the checkpoint from finishing.
     */
    checkpointAfterErase(): boolean {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      return result?.busy === 0;
    },
  };
}

function erasedRequestJson(json: string): string {
  try {
    const { prompt: _prompt, image_urls: _images, ...settings } = JSON.parse(json) as Record<string, unknown>;
    return JSON.stringify({ ...settings, prompt: '' });
  } catch {
    return '{}';
  }
}

export type RetentionStore = ReturnType<typeof createRetentionStore>;
