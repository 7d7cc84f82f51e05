import { createHash } from 'node:crypto';
import { referenceImagePartBytes, type KeptImage, type KeptImageType } from '../referenceImages.ts';
import type { Db } from './openDatabase.ts';

/** Each part is its own short transaction, so a 10 MB image never holds the event loop for long. */
export { referenceImagePartBytes };

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The bytes of jobs' reference images, by content, and which job refers to which; synchronous but for the
 * part-by-part writes and reads, which give the event loop back between parts.
 */
export function createReferenceImageStore(db: Db) {
  const begin = db.prepare(
    `INSERT INTO reference_images (sha256, content_type, size_bytes, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (sha256) DO NOTHING`);
  const completeness = db.prepare<[string], { complete: number }>('SELECT complete FROM reference_images WHERE sha256 = ?');
  const putPart = db.prepare('INSERT OR REPLACE INTO reference_image_parts (sha256, part, bytes) VALUES (?, ?, ?)');
  const partCount = db.prepare<[string], { n: number; size: number | null }>(
    'SELECT COUNT(*) AS n, SUM(length(bytes)) AS size FROM reference_image_parts WHERE sha256 = ?');
  const markComplete = db.prepare('UPDATE reference_images SET complete = 1 WHERE sha256 = ?');
  // An erased job keeps nothing: a late download must not bring its image back.
  const linkJob = db.prepare('UPDATE jobs SET image_sha256 = ? WHERE id = ? AND erased_at IS NULL');
  const dropUnreferenced = db.prepare(
    'DELETE FROM reference_images WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE image_sha256 = ?)');
  const ofJob = db.prepare<[number], { sha256: string; content_type: KeptImageType; size_bytes: number; upload_url: string | null; upload_expires_at: number | null }>(
    `SELECT r.sha256, r.content_type, r.size_bytes, r.upload_url, r.upload_expires_at
     FROM jobs j JOIN reference_images r ON r.sha256 = j.image_sha256 WHERE j.id = ? AND r.complete = 1`);
  const readPart = db.prepare<[string, number], { bytes: Buffer }>('SELECT bytes FROM reference_image_parts WHERE sha256 = ? AND part = ?');
  const setUpload = db.prepare('UPDATE reference_images SET upload_url = ?, upload_expires_at = ? WHERE sha256 = ?');

  /** Links the job once every part is in; a part lost meanwhile (retention swept the image) links nothing. */
  const finish = db.transaction((jobId: number, sha256: string, sizeBytes: number): 'kept' | 'erased' | 'incomplete' => {
    const parts = partCount.get(sha256);
    if (parts?.n !== Math.ceil(sizeBytes / referenceImagePartBytes) || parts.size !== sizeBytes) return 'incomplete';
    markComplete.run(sha256);
    if (linkJob.run(sha256, jobId).changes === 1) return 'kept';
    dropUnreferenced.run(sha256, sha256);
    return 'erased';
  });

  return {
    /**
     * Keeps the bytes (written part by part, the event loop free between parts, unless the same content is
     * already kept) and links them to the job. 'erased': the job was erased meanwhile and nothing is kept.
     */
    async keepReferenceImage(jobId: number, image: { sha256: string; contentType: KeptImageType; bytes: Buffer }, now: number): Promise<'kept' | 'erased' | 'incomplete'> {
      const { sha256, bytes } = image;
      begin.run(sha256, image.contentType, bytes.length, now);
      if (completeness.get(sha256)?.complete !== 1) {
        for (let part = 0; part * referenceImagePartBytes < bytes.length; part++) {
          putPart.run(sha256, part, bytes.subarray(part * referenceImagePartBytes, (part + 1) * referenceImagePartBytes));
          await nextTurn();
        }
      }
      return finish.immediate(jobId, sha256, bytes.length);
    },

    referenceImageOf(jobId: number): KeptImage | undefined {
      const row = ofJob.get(jobId);
      return row && {
        sha256: row.sha256, contentType: row.content_type, sizeBytes: row.size_bytes,
        uploadUrl: row.upload_url, uploadExpiresAt: row.upload_expires_at,
      };
    },

    /** The kept bytes, read part by part; undefined when they are gone or no longer match their hash. */
    async referenceImageBytes(image: Pick<KeptImage, 'sha256' | 'sizeBytes'>): Promise<Buffer | undefined> {
      const parts: Buffer[] = [];
      const hash = createHash('sha256');
      for (let part = 0; part * referenceImagePartBytes < image.sizeBytes; part++) {
        const row = readPart.get(image.sha256, part);
        if (!row) return undefined;
        parts.push(row.bytes);
        hash.update(row.bytes);
        await nextTurn();
      }
      return hash.digest('hex') === image.sha256 ? Buffer.concat(parts) : undefined;
    },

    rememberReferenceImageUpload(sha256: string, url: string, expiresAt: number): void {
      setUpload.run(url, expiresAt, sha256);
    },
  };
}

