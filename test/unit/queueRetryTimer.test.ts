import { describe, expect, it } from 'vitest';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { createProviderHealth } from '../../src/services/apimart/providerHealth.ts';
import type { JobContext } from '../../src/services/jobs/jobContext.ts';
import { createPlaceWithdrawals } from '../../src/services/jobs/placeWithdrawals.ts';
import { createSubmissionQueue } from '../../src/services/jobs/submissionQueue.ts';
import { createAccepted, quietLogger as quiet } from './storeFixtures.ts';

const queueTimerKey = 0;

/**
 * A queued job that the provider refused with a Retry-After: the retry becomes due while the queue
 * is being looked at (the claim's transaction takes a millisecond, or a timer fires a millisecond
 * early). The queue must then still have a wake-up for it; with none, the job waits until some other
 * job or command happens to move the queue, on a quiet bot for ever.
 */
/** No allow-lists: nothing is withdrawn. */
const everyPlaceAllowed = (ctx: JobContext) => createPlaceWithdrawals({
  store: ctx.store, clock: ctx.clock, logger: ctx.logger, allowLists: { allowedGuildIds: [], allowedChannelIds: [] },
  notify: async () => undefined, ended: () => undefined,
});

describe('the queue after a refused submit', () => {
  it('keeps a wake-up for a retry that falls due while the queue is checked', async () => {
    const db = openDatabase(':memory:');
    const store = createJobStore(db);
    const start = 1_800_000_000_000;
    const job = await createAccepted(store, start);
    await store.claimForSubmission(10, start);
    const retryAt = start + 2_000;
    await store.requeue(job.id, retryAt, start);

    let now = retryAt - 1;
    const scheduled: { key: number; delayMs: number }[] = [];
    const tracked: Promise<void>[] = [];
    const claimingStore = Object.create(store) as typeof store;
    claimingStore.claimForSubmission = (max, at) => {
      const claimed = store.claimForSubmission(max, at);
      now = retryAt;
      return claimed;
    };
    const ctx = {
      store: claimingStore, clock: { now: () => now }, logger: quiet, jobLogger: () => quiet,
      health: createProviderHealth(), acknowledging: () => false,
      settings: { maxConcurrentJobs: 10 },
      schedule: (key: number, delayMs: number) => scheduled.push({ key, delayMs }),
      track: (work: Promise<void>) => tracked.push(work), status: { refresh: async () => {} },
    } as unknown as JobContext;

    createSubmissionQueue(ctx, { withdrawals: everyPlaceAllowed(ctx), probeIntervalMs: 60_000 }).kick();
    await Promise.all(tracked);

    expect((await store.get(job.id))?.status).toBe('queued');
    expect(scheduled).toEqual([{ key: queueTimerKey, delayMs: 0 }]);
    db.close();
  });
});
