import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import type { JobStore } from '../../src/db/jobStore.ts';
import { referenceImageOrigins } from '../../src/services/jobs/referenceImage.ts';
import { createReferenceImages } from '../../src/services/jobs/referenceImages.ts';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { pngBytes } from '../support/imageBytes.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../support/testDatabase.ts';
import { createAccepted } from './storeFixtures.ts';
import { createLogger } from '../../src/logger.ts';

let db: TestDatabase;
let store: JobStore;
let discord: FakeDiscord;
beforeEach(async () => {
  db = await openTestDatabase();
  store = db.stores.jobStore();
  discord = await FakeDiscord.start();
});
afterEach(async () => {
  await db.close();
  await discord.stop();
});

const uploadsRefused = { uploadImage: async (): Promise<{ url: string }> => { throw new Error('no upload expected'); } };

async function imageJob(bytes: Buffer) {
  const { url } = discord.addAttachment({ filename: 'ref.png', bytes });
  const job = await createAccepted(store, Date.now());
  return { ...job, settings: { ...job.settings, imageUrl: url } };
}

describe(`keeping reference images (${testEngine})`, () => {
  it('downloads at most four at once, whatever the burst, and keeps them all', async () => {
    const images = createReferenceImages({
      store, apimart: uploadsRefused, clock: systemClock, logger: createLogger({ level: 'error', secrets: [], write: () => undefined }),
      fetch, allowedOrigins: referenceImageOrigins(discord.apiBase),
    });
    const release = discord.cdn.holdDownloads();
    const jobs = await Promise.all(Array.from({ length: 7 }, () => imageJob(pngBytes(2048))));
    const kept = Promise.all(jobs.map((job) => images.keep(job)));
    await discord.waitFor(() => discord.downloads.length === 4, 5_000);
    // Held downloads never end on their own: a fifth could only start if the limit let it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(discord.downloads).toHaveLength(4);
    release();
    expect(await kept).toEqual(Array(7).fill('kept'));
    expect(discord.downloads).toHaveLength(7);
  });
});
