import { imageFieldNames } from '../videoGenerationRequest.ts';
import type { Db } from './openDatabase.ts';

/**
 * Erases what members wrote and what the provider linked (prompt, reference image and its kept bytes, video
 * URL, the stored request that repeats them) from jobs finished before a cutoff. Amounts, states, times, the
 * ledger and the audit log stay, so spend totals and counts never change.
 */
export function createRetentionStore(db: Db) {
  const due = db.prepare<[number, number], { id: number; request_json: string; image_sha256: string | null }>(
    'SELECT id, request_json, image_sha256 FROM jobs WHERE erased_at IS NULL AND finished_at IS NOT NULL AND finished_at < ? ORDER BY finished_at LIMIT ?');
  const erase = db.prepare(
    `UPDATE jobs SET prompt = '', image_url = NULL, image_name = NULL, image_sha256 = NULL, video_url = NULL, failure_detail = NULL,
       interaction_token = NULL, request_json = ?, erased_at = ? WHERE id = ? AND erased_at IS NULL`);
  // Kept bytes go with the last job that refers to them: a re-roll still within the period keeps its image.
  const dropUnreferencedImage = db.prepare(
    'DELETE FROM reference_images WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE image_sha256 = ?)');

  const eraseBatch = db.transaction((cutoffMs: number, nowMs: number, limit: number): number => {
    let erased = 0;
    const images = new Set<string>();
    for (const row of due.all(cutoffMs, limit)) {
      erased += erase.run(erasedRequestJson(row.request_json), nowMs, row.id).changes;
      if (row.image_sha256 !== null) images.add(row.image_sha256);
    }
    for (const sha256 of images) dropUnreferencedImage.run(sha256, sha256);
    return erased;
  });

  return {
    /** Erases at most `limit` jobs in one short transaction; returns how many it erased. */
    eraseFinishedBefore: (cutoffMs: number, nowMs: number, limit: number): number => eraseBatch.immediate(cutoffMs, nowMs, limit),
  };
}

function erasedRequestJson(json: string): string {
  try {
    const { prompt: _prompt, ...settings } = JSON.parse(json) as Record<string, unknown>;
    for (const field of imageFieldNames) delete settings[field];
    return JSON.stringify({ ...settings, prompt: '' });
  } catch {
    return '{}';
  }
}

export type RetentionStore = ReturnType<typeof createRetentionStore>;
