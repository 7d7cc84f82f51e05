import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/db/jobStore.ts';
import { createLogger } from '../../src/logger.ts';
import { createRetention } from '../../src/services/operations/retention.ts';
import { runRetentionOnce } from '../support/retentionRun.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../support/testDatabase.ts';
import { createAccepted, expectLedgerMatchesJobs, ledgerRows } from './storeFixtures.ts';
import { sampleJob } from '../../bench/sampleJob.ts';
import { builtInCatalog } from '../../src/models/builtIn/index.ts';
import { jobRequest } from '../../src/models/jobRequest.ts';

const dayMs = 24 * 60 * 60_000;
const t0 = Date.UTC(2026, 0, 10);

let db: TestDatabase;
let store: JobStore;
beforeEach(async () => {
  db = await openTestDatabase();
  store = db.stores.jobStore();
});
afterEach(() => db.close());

const rawJob = async (id: number) => await db.sql.get('SELECT prompt, image_url, image_name, video_url, request_json, erased_at, estimate_micros, cost_micros, status FROM jobs WHERE id = ?', id) as Record<string, unknown>;

async function deliveredJob(finishedAt: number, prompt: string) {
  // A model that takes its image as a single `first_frame_image`: retention must find it there too.
  const built = jobRequest(builtInCatalog(), {
    model: 'MiniMax-Hailuo-2.3', prompt, durationSec: null, aspectRatio: null, resolution: null, audio: null, imageUrl: 'https://cdn.example/ref.png',
  });
  if (!built.ok) throw new Error('refused');
  expect(built.request.first_frame_image).toBe('https://cdn.example/ref.png');
  const job = await createAccepted(store, finishedAt - 60_000, { request: built.request, settings: built.settings, imageName: 'ref.png' });
  await store.claimForSubmission(10, finishedAt - 50_000);
  await store.recordSubmitted(job.id, `task-${job.id}`, finishedAt - 40_000);
  await store.completeTask(job.id, { videoUrl: 'https://cdn.example/video.mp4', videoExpiresAt: finishedAt + dayMs, costMicros: 350_000 }, finishedAt - 1_000);
  await store.markDelivered(job.id, '200000000000000002', `9${job.id}`, finishedAt);
  return job;
}

const runRetention = (days: number, now: number) => runRetentionOnce(db.stores.retentionStore, days, now);

describe(`RETENTION_DAYS (${testEngine})`, () => {
  it('erases prompts and URLs of jobs finished longer ago, and keeps amounts, ledger and newer jobs', async () => {
    const old = await deliveredJob(t0, 'an old secret prompt');
    const recent = await deliveredJob(t0 + 29 * dayMs, 'a recent prompt');
    const ledgerBefore = await ledgerRows(db.sql);

    expect(await runRetention(30, t0 + 31 * dayMs)).toBe(1);

    const erased = await rawJob(old.id);
    expect(erased).toMatchObject({ prompt: '', image_url: null, image_name: null, video_url: null, erased_at: t0 + 31 * dayMs, cost_micros: 350_000, status: 'delivered' });
    expect(JSON.parse(erased.request_json as string)).toEqual({ model: 'MiniMax-Hailuo-2.3', prompt: '', duration: 6, resolution: '768p' });
    expect(JSON.stringify(erased)).not.toContain('secret');
    expect(await rawJob(recent.id)).toMatchObject({ prompt: 'a recent prompt', video_url: 'https://cdn.example/video.mp4', erased_at: null });
    expect(await ledgerRows(db.sql)).toEqual(ledgerBefore);
    await expectLedgerMatchesJobs(db.sql, store);
  });

  it('never touches unfinished jobs, and a second run erases nothing again', async () => {
    await deliveredJob(t0, 'finished');
    const waiting = await createAccepted(store, t0, sampleJob('still queued'));
    expect(await runRetention(1, t0 + 400 * dayMs)).toBe(1);
    expect(await runRetention(1, t0 + 401 * dayMs)).toBe(0);
    expect(await rawJob(waiting.id)).toMatchObject({ prompt: 'still queued', erased_at: null });
  });

  it('erases a large backlog in several short batches', async () => {
    for (let i = 0; i < 1_203; i += 1) await deliveredJob(t0 + i, `prompt ${i}`);
    expect(await runRetention(1, t0 + 10 * dayMs)).toBe(1_203);
    expect(Number(await db.sql.value("SELECT COUNT(*) FROM jobs WHERE prompt <> ''"))).toBe(0);
  });

  it('is off at 0 days', async () => {
    await deliveredJob(t0, 'kept');
    const retention = createRetention({
      store: db.stores.retentionStore, logger: createLogger({ level: 'error', secrets: [] }), retentionDays: 0,
      clock: { now: () => t0 + 1_000 * dayMs, setTimeout: () => { throw new Error('no timer when off'); }, clearTimeout: () => undefined },
    });
    retention.start();
    expect(await rawJob(1)).toMatchObject({ prompt: 'kept' });
  });
});

describe('RETENTION_DAYS over a long history', () => {
  it('gives the event loop back between batches, so interactions are still acknowledged meanwhile', async () => {
    const events: string[] = [];
    const batches = [500, 500, 7];
    const retention = createRetention({
      store: {
        eraseFinishedBefore: async () => { events.push('batch'); return batches.shift() ?? 0; },
        dropUnreferencedImage: async () => false,
        checkpointAfterErase: async () => true,
      },
      logger: createLogger({ level: 'error', secrets: [] }), retentionDays: 30,
      clock: { now: () => t0, setTimeout: () => ({ id: 0 }), clearTimeout: () => undefined },
    });
    const first = retention.start();
    // Work that arrives while the first run is under way (an interaction to acknowledge).
    setImmediate(() => events.push('other work'));
    expect(await first).toBe(1_007);
    expect(events.filter((e) => e === 'batch')).toHaveLength(3);
    expect(events.indexOf('other work')).toBeLessThan(events.lastIndexOf('batch'));
    retention.stop();
  });
});
