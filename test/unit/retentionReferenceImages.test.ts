import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/db/jobStore.ts';
import { referenceImagePartBytes } from '../../src/db/referenceImages.ts';
import { pngBytes } from '../support/imageBytes.ts';
import { runRetentionOnce } from '../support/retentionRun.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../support/testDatabase.ts';
import { createAccepted } from './storeFixtures.ts';

const dayMs = 24 * 60 * 60_000;
const t0 = Date.UTC(2026, 0, 10);

let db: TestDatabase;
let store: JobStore;
beforeEach(async () => {
  db = await openTestDatabase();
  store = db.stores.jobStore();
});
afterEach(() => db.close());

const keptImages = async () => (await db.sql.all<{ sha256: string }>('SELECT sha256 FROM reference_images')).map((r) => r.sha256);
const keptParts = async () => Number(await db.sql.value('SELECT COUNT(*) FROM reference_image_parts'));
const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function finishedJob(finishedAt: number, imageSha256?: string, parentJobId?: number) {
  const job = await createAccepted(store, finishedAt - 60_000, { imageName: 'ref.png', imageSha256, parentJobId });
  await store.endBeforeSubmission(job.id, 'cancelled', 'cancelled_by_user', finishedAt);
  return job;
}

async function keep(jobId: number, bytes: Buffer, at = t0): Promise<string> {
  const sha256 = sha256Of(bytes);
  expect(await store.keepReferenceImage(jobId, { sha256, contentType: 'image/png', bytes }, at)).toBe('kept');
  return sha256;
}

const runRetention = (days: number, now: number) => runRetentionOnce(db.stores.retentionStore, days, now);

describe(`kept reference images (${testEngine})`, () => {
  it('are stored in 256 KB parts and read back whole', async () => {
    const bytes = pngBytes(2 * referenceImagePartBytes + 1000);
    const job = await finishedJob(t0);
    await keep(job.id, bytes);
    expect(await keptParts()).toBe(3);
    const image = (await store.referenceImageOf(job.id))!;
    expect(image).toMatchObject({ contentType: 'image/png', sizeBytes: bytes.length, uploadUrl: null });
    expect((await store.referenceImageBytes(image))?.equals(bytes)).toBe(true);
  });

  it('are stored once for the same content, and read as missing when a part is damaged', async () => {
    const bytes = pngBytes(referenceImagePartBytes + 10);
    const first = await finishedJob(t0);
    const second = await finishedJob(t0 + 1);
    await keep(first.id, bytes);
    await keep(second.id, bytes);
    expect(await keptImages()).toHaveLength(1);
    await db.sql.run('UPDATE reference_image_parts SET bytes = ? WHERE part = 1', Buffer.from([0]));
    expect(await store.referenceImageBytes((await store.referenceImageOf(second.id))!)).toBeUndefined();
  });

  it('are erased by RETENTION_DAYS with the last job that refers to them, parts and all', async () => {
    const parent = await finishedJob(t0);
    const sha256 = await keep(parent.id, pngBytes(300_000));
    const reroll = await finishedJob(t0 + 20 * dayMs, sha256, parent.id);
    expect((await store.referenceImageOf(reroll.id))?.sha256).toBe(sha256);

    expect(await runRetention(30, t0 + 31 * dayMs)).toBe(1);
    expect(await store.referenceImageOf(parent.id)).toBeUndefined();
    expect(await keptImages()).toEqual([sha256]);

    expect(await runRetention(30, t0 + 51 * dayMs)).toBe(1);
    expect(await keptImages()).toEqual([]);
    expect(await keptParts()).toBe(0);
  });

  it('keep nothing for a job erased while its image was downloading', async () => {
    const job = await finishedJob(t0);
    await runRetention(30, t0 + 31 * dayMs);
    const bytes = pngBytes(64);
    expect(await store.keepReferenceImage(job.id, { sha256: sha256Of(bytes), contentType: 'image/png', bytes }, t0 + 31 * dayMs)).toBe('erased');
    expect(await keptImages()).toEqual([]);
    expect(await keptParts()).toBe(0);
  });

  it('leave an image still being written alone, and sweep one abandoned for an hour', async () => {
    const bytes = pngBytes(100);
    await db.sql.run('INSERT INTO reference_images (sha256, content_type, size_bytes, created_at) VALUES (?, ?, ?, ?)', sha256Of(bytes), 'image/png', 100, t0);
    const retention = db.stores.retentionStore;
    expect(await retention.dropUnreferencedImage(t0)).toBe(false);
    expect(await retention.dropUnreferencedImage(t0 + 1)).toBe(true);
    expect(await keptImages()).toEqual([]);
  });
});
