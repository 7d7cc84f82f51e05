import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJobStore, type JobStore } from '../../src/db/jobStore.ts';
import { openDatabase, type Db } from '../../src/db/openDatabase.ts';
import { createRetentionStore } from '../../src/db/retentionStore.ts';
import { pngBytes } from '../support/imageBytes.ts';
import { createAccepted } from './storeFixtures.ts';

const dayMs = 24 * 60 * 60_000;
const t0 = Date.UTC(2026, 0, 10);

let db: Db;
let store: JobStore;
beforeEach(() => {
  db = openDatabase(':memory:');
  store = createJobStore(db);
});
afterEach(() => db.close());

const request = { model: 'sora-2-preview', prompt: 'a fox', duration: 4, aspect_ratio: 'landscape' as const, image_urls: ['https://cdn.discordapp.com/attachments/1/2/ref.png?ex=1'] };
const keptImages = () => db.prepare('SELECT sha256 FROM reference_images').pluck().all() as string[];

function finishedImageJob(finishedAt: number, imageSha256?: string, parentJobId?: number) {
  const job = createAccepted(store, finishedAt - 60_000, { request, imageName: 'ref.png', imageSha256, parentJobId });
  store.endBeforeSubmission(job.id, 'cancelled', 'cancelled_by_user', finishedAt);
  return job;
}

function keep(jobId: number, bytes: Buffer): string {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  expect(store.keepReferenceImage(jobId, { sha256, contentType: 'image/png', bytes }, t0)).toBe(true);
  return sha256;
}

describe('RETENTION_DAYS and kept reference images', () => {
  it('erases a job’s kept image bytes with the job, and keeps them while a later re-roll still refers to them', () => {
    const bytes = pngBytes(512);
    const parent = finishedImageJob(t0);
    const sha256 = keep(parent.id, bytes);
    const reroll = finishedImageJob(t0 + 20 * dayMs, sha256, parent.id);
    expect(store.referenceImageOf(reroll.id)?.bytes.equals(bytes)).toBe(true);

    const retention = createRetentionStore(db);
    expect(retention.eraseFinishedBefore(t0 + dayMs, t0 + 31 * dayMs, 100)).toBe(1);
    expect(store.referenceImageOf(parent.id)).toBeUndefined();
    expect(keptImages()).toEqual([sha256]);

    expect(retention.eraseFinishedBefore(t0 + 21 * dayMs, t0 + 51 * dayMs, 100)).toBe(1);
    expect(keptImages()).toEqual([]);
    expect(store.referenceImageOf(reroll.id)).toBeUndefined();
  });

  it('does not keep an image for a job already erased (a late download)', () => {
    const job = finishedImageJob(t0);
    createRetentionStore(db).eraseFinishedBefore(t0 + dayMs, t0 + 31 * dayMs, 100);
    const bytes = pngBytes(64);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(store.keepReferenceImage(job.id, { sha256, contentType: 'image/png', bytes }, t0 + 31 * dayMs)).toBe(false);
    expect(store.referenceImageOf(job.id)).toBeUndefined();
    expect(keptImages()).toEqual([]);
  });
});
