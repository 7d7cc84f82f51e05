import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/db/jobStore.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../support/testDatabase.ts';
import { priceDrift, priceDriftMinJobs, priceDriftWindow, stalePrices } from '../../src/services/spend/priceDrift.ts';
import { createAccepted, estimateMicros } from './storeFixtures.ts';

const checks = (n: number, estimate: number, cost: number) => Array.from({ length: n }, () => ({ estimateMicros: estimate, costMicros: cost }));

describe('priceDrift', () => {
  it('says nothing before a model has enough settled jobs', () => {
    expect(priceDrift('m', checks(priceDriftMinJobs - 1, 400_000, 800_000))).toBeUndefined();
    expect(priceDrift('m', checks(priceDriftMinJobs, 400_000, 800_000))).toMatchObject({ model: 'm', jobs: priceDriftMinJobs, ratio: 2 });
  });

  it('tolerates costs within 10% of the estimates together, and flags more in either direction', () => {
    expect(priceDrift('m', checks(10, 1_000_000, 1_100_000))).toBeUndefined();
    expect(priceDrift('m', checks(10, 1_000_000, 900_000))).toBeUndefined();
    expect(priceDrift('m', checks(10, 1_000_000, 1_120_000))).toMatchObject({ estimateMicros: 10_000_000, costMicros: 11_200_000 });
    expect(priceDrift('m', checks(10, 1_000_000, 850_000))?.ratio).toBeCloseTo(0.85);
  });

  it('weighs jobs by their amounts, so one cheap clip off by a lot does not make a drift', () => {
    const mixed = [...checks(9, 2_000_000, 2_000_000), { estimateMicros: 10_000, costMicros: 40_000 }];
    expect(priceDrift('m', mixed)).toBeUndefined();
  });

  it('looks only at the latest jobs: a price fixed since is no longer flagged', () => {
    const latestFirst = [...checks(priceDriftWindow, 400_000, 400_000), ...checks(100, 400_000, 900_000)];
    expect(priceDrift('m', latestFirst)).toBeUndefined();
  });

  it('flags a cost where nothing was estimated', () => {
    expect(priceDrift('m', checks(5, 0, 10_000))).toMatchObject({ ratio: Infinity });
    expect(priceDrift('m', checks(5, 0, 0))).toBeUndefined();
  });
});

describe(`settled costs beside estimates (${testEngine})`, () => {
  let db: TestDatabase;
  let store: JobStore;
  beforeEach(async () => {
    db = await openTestDatabase();
    store = db.stores.jobStore();
  });
  afterEach(() => db.close());

  async function settle(model: string, costMicros: number | null, at: number) {
    const job = await createAccepted(store, at, { request: { model, prompt: 'a fox', duration: 4, aspect_ratio: 'landscape' } });
    await store.claimForSubmission(10, at);
    await store.recordSubmitted(job.id, `task-${job.id}`, at);
    return store.completeTask(job.id, { videoUrl: 'https://cdn.example/v.mp4', videoExpiresAt: at + 1, costMicros }, at);
  }

  it('keeps each reported cost beside its estimate, in the settling transaction, and none when no cost was reported', async () => {
    await settle('veo3.1-fast', 520_000, 1);
    await settle('veo3.1-fast', null, 2);
    expect(await store.recentPriceChecks('veo3.1-fast', 10)).toEqual([{ estimateMicros, costMicros: 520_000 }]);
  });

  it('names the models whose latest costs drifted, and only those', async () => {
    for (let i = 0; i < 6; i++) await settle('veo3.1-fast', 520_000, i);
    for (let i = 0; i < 6; i++) await settle('seedance-2.0', estimateMicros, 10 + i);
    expect(await stalePrices(store)).toEqual([{ model: 'veo3.1-fast', jobs: 6, estimateMicros: 6 * estimateMicros, costMicros: 6 * 520_000, ratio: 1.3 }]);
  });
});
