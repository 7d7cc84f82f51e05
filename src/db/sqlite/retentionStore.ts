import { imageFieldNames } from '../../videoGenerationRequest.ts';
import type { RetentionStore } from '../retentionStore.ts';
import type { Db } from './openDatabase.ts';
import { promised } from './promised.ts';

export function createRetentionStore(db: Db): RetentionStore {
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

  const sync = {
    eraseFinishedBefore: (cutoffMs: number, nowMs: number, limit: number): number => eraseBatch.immediate(cutoffMs, nowMs, limit),
  };
  return promised(sync);
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
