import type { Db } from './openDatabase.ts';

export interface KeptImage {
  sha256: string;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  bytes: Buffer;
  /** The provider's copy (`POST /v1/uploads/images`) and when it stops being served; null when none is known. */
  uploadUrl: string | null;
  uploadExpiresAt: number | null;
}

interface KeptImageRow {
  sha256: string; content_type: KeptImage['contentType']; bytes: Buffer; upload_url: string | null; upload_expires_at: number | null;
}

/** The bytes of jobs' reference images, by content, and which job refers to which. */
export function createReferenceImageStore(db: Db) {
  const insertImage = db.prepare(
    'INSERT INTO reference_images (sha256, content_type, bytes, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING');
  // An erased job keeps nothing: a late download must not bring its image back.
  const linkJob = db.prepare('UPDATE jobs SET image_sha256 = ? WHERE id = ? AND erased_at IS NULL');
  const ofJob = db.prepare<[number], KeptImageRow>(
    `SELECT r.sha256, r.content_type, r.bytes, r.upload_url, r.upload_expires_at
     FROM jobs j JOIN reference_images r ON r.sha256 = j.image_sha256 WHERE j.id = ?`);
  const setUpload = db.prepare('UPDATE reference_images SET upload_url = ?, upload_expires_at = ? WHERE sha256 = ?');
  const dropUnreferenced = db.prepare(
    'DELETE FROM reference_images WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE image_sha256 = ?)');

  const keep = db.transaction((jobId: number, image: Pick<KeptImage, 'sha256' | 'contentType' | 'bytes'>, now: number): boolean => {
    insertImage.run(image.sha256, image.contentType, image.bytes, now);
    if (linkJob.run(image.sha256, jobId).changes === 1) return true;
    dropUnreferenced.run(image.sha256, image.sha256);
    return false;
  });

  return {
    /** Keeps the bytes and links them to the job; false (and nothing linked) when the job was erased meanwhile. */
    keepReferenceImage: (jobId: number, image: Pick<KeptImage, 'sha256' | 'contentType' | 'bytes'>, now: number): boolean =>
      keep.immediate(jobId, image, now),

    referenceImageOf(jobId: number): KeptImage | undefined {
      const row = ofJob.get(jobId);
      return row && {
        sha256: row.sha256, contentType: row.content_type, bytes: row.bytes,
        uploadUrl: row.upload_url, uploadExpiresAt: row.upload_expires_at,
      };
    },

    rememberReferenceImageUpload(sha256: string, url: string, expiresAt: number): void {
      setUpload.run(url, expiresAt, sha256);
    },
  };
}

export type ReferenceImageStore = ReturnType<typeof createReferenceImageStore>;
