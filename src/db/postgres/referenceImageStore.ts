import { createHash } from 'node:crypto';
import type pg from 'pg';
import { referenceImagePartBytes, type KeptImage, type KeptImageType, type ReferenceImageStore } from '../referenceImages.ts';
import { changes, firstRow } from './sql.ts';
import { transaction, withRetry } from './transaction.ts';

/** 23503: the image row a part refers to is gone (retention swept it while it was being written). */
const isForeignKeyViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === '23503';

/**
 * The bytes of jobs' reference images, by content, in the same 256 KB parts as SQLite: each part one
 * statement, so no write holds a connection (or a large parameter) for long. Hosts that keep the same
 * image at once write identical parts; the last step, under the image row's lock, links the job only
 * when every part is in.
 */
export function createReferenceImageStore(pool: pg.Pool): ReferenceImageStore {
  const write = (sql: string, values: unknown[]) => withRetry(() => changes(pool, sql, values));

  function finish(jobId: number, sha256: string, sizeBytes: number): Promise<'kept' | 'erased' | 'incomplete'> {
    return transaction(pool, async (client) => {
      // Locked: retention cannot drop the image between the count and the link.
      const image = await firstRow<{ n: number; size: number | null }>(client,
        `SELECT (SELECT COUNT(*) FROM reference_image_parts WHERE sha256 = $1) AS n,
           (SELECT SUM(length(bytes)) FROM reference_image_parts WHERE sha256 = $1) AS size
         FROM reference_images WHERE sha256 = $1 FOR UPDATE`, [sha256]);
      if (!image || Number(image.n) !== Math.ceil(sizeBytes / referenceImagePartBytes) || Number(image.size) !== sizeBytes) return 'incomplete';
      await changes(client, 'UPDATE reference_images SET complete = 1 WHERE sha256 = $1', [sha256]);
      // An erased job keeps nothing: a late download must not bring its image back.
      if (await changes(client, 'UPDATE jobs SET image_sha256 = $1 WHERE id = $2 AND erased_at IS NULL', [sha256, jobId]) === 1) return 'kept';
      await changes(client, 'DELETE FROM reference_images WHERE sha256 = $1 AND NOT EXISTS (SELECT 1 FROM jobs WHERE image_sha256 = $1)', [sha256]);
      return 'erased';
    });
  }

  return {
    async keepReferenceImage(jobId, image: { sha256: string; contentType: KeptImageType; bytes: Buffer }, now) {
      const { sha256, bytes } = image;
      await write(`INSERT INTO reference_images (sha256, content_type, size_bytes, created_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (sha256) DO NOTHING`, [sha256, image.contentType, bytes.length, now]);
      const kept = await firstRow<{ complete: number }>(pool, 'SELECT complete FROM reference_images WHERE sha256 = $1', [sha256]);
      if (!kept) return 'incomplete';
      if (kept.complete !== 1) {
        try {
          for (let part = 0; part * referenceImagePartBytes < bytes.length; part++) {
            await write(`INSERT INTO reference_image_parts (sha256, part, bytes) VALUES ($1, $2, $3)
              ON CONFLICT (sha256, part) DO UPDATE SET bytes = excluded.bytes`,
            [sha256, part, bytes.subarray(part * referenceImagePartBytes, (part + 1) * referenceImagePartBytes)]);
          }
        } catch (err) {
          if (isForeignKeyViolation(err)) return 'incomplete';
          throw err;
        }
      }
      return finish(jobId, sha256, bytes.length);
    },

    async referenceImageOf(jobId): Promise<KeptImage | undefined> {
      const row = await firstRow<{ sha256: string; content_type: KeptImageType; size_bytes: number; upload_url: string | null; upload_expires_at: number | null }>(pool,
        `SELECT r.sha256, r.content_type, r.size_bytes, r.upload_url, r.upload_expires_at
         FROM jobs j JOIN reference_images r ON r.sha256 = j.image_sha256 WHERE j.id = $1 AND r.complete = 1`, [jobId]);
      return row && {
        sha256: row.sha256, contentType: row.content_type, sizeBytes: row.size_bytes,
        uploadUrl: row.upload_url, uploadExpiresAt: row.upload_expires_at,
      };
    },

    /** Read part by part; undefined when they are gone or no longer match their hash. */
    async referenceImageBytes(image) {
      const parts: Buffer[] = [];
      const hash = createHash('sha256');
      for (let part = 0; part * referenceImagePartBytes < image.sizeBytes; part++) {
        const row = await firstRow<{ bytes: Buffer }>(pool, 'SELECT bytes FROM reference_image_parts WHERE sha256 = $1 AND part = $2', [image.sha256, part]);
        if (!row) return undefined;
        parts.push(row.bytes);
        hash.update(row.bytes);
      }
      return hash.digest('hex') === image.sha256 ? Buffer.concat(parts) : undefined;
    },

    async rememberReferenceImageUpload(sha256, url, expiresAt) {
      await write('UPDATE reference_images SET upload_url = $1, upload_expires_at = $2 WHERE sha256 = $3', [url, expiresAt, sha256]);
    },
  };
}
