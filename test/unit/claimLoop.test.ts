import { describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/db/jobStore.ts';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { createProviderHealth } from '../../src/services/apimart/providerHealth.ts';
import type { JobContext } from '../../src/services/jobs/jobContext.ts';
import { createPlaceWithdrawals } from '../../src/services/jobs/placeWithdrawals.ts';
import { createSubmissionQueue } from '../../src/services/jobs/submissionQueue.ts';
import { createAccepted, quietLogger as quiet } from './storeFixtures.ts';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
/** The queue's bound on POSTs on the wire at once (submissionQueue.ts). */
const maxParallelPosts = 8;

/**
 * A store whose claims answer a turn of the event loop late, as a database server's would: every
 * kick that arrives meanwhile finds the in-memory counters as they were before the claim.
 */
function slowClaims(store: JobStore) {
  const claimsAtOnce = { now: 0, most: 0 };
  const slow: JobStore = Object.create(store);
  slow.claimForSubmission = async (max, at) => {
    claimsAtOnce.most = Math.max(claimsAtOnce.most, ++claimsAtOnce.now);
    await flush();
    claimsAtOnce.now--;
    return store.claimForSubmission(max, at);
  };
  return { slow, claimsAtOnce };
}

/** No allow-lists: nothing is withdrawn. */
const everyPlaceAllowed = (ctx: JobContext) => createPlaceWithdrawals({
  store: ctx.store, clock: ctx.clock, logger: ctx.logger, allowLists: { allowedGuildIds: [], allowedChannelIds: [] },
  notify: async () => undefined, ended: () => undefined,
});

describe('the submitter with a store that answers later', () => {
  it('puts no more than its bound of POSTs on the wire when kicks arrive while a claim is being answered', async () => {
    const db = openDatabase(':memory:');
    const store = createJobStore(db);
    const now = 1_800_000_000_000;
    for (let i = 0; i < 30; i++) await createAccepted(store, now, { userId: `user-${i}` });
    const { slow, claimsAtOnce } = slowClaims(store);
    const posts: string[] = [];
    const tracked: Promise<void>[] = [];
    const ctx = {
      store: slow, clock: { now: () => now }, logger: quiet, jobLogger: () => quiet,
      health: createProviderHealth(), acknowledging: () => false,
      models: { isOff: () => false, recordAccepted: () => undefined },
      settings: { maxConcurrentJobs: 1_000 },
      // The provider holds every submit: the posts stay on the wire.
      apimart: { submit: (request: { prompt: string }) => { posts.push(request.prompt); return new Promise(() => undefined); } },
      schedule: () => undefined, track: (work: Promise<void>) => tracked.push(work), status: { refresh: async () => undefined },
    } as unknown as JobContext;
    const queue = createSubmissionQueue(ctx, { withdrawals: everyPlaceAllowed(ctx), probeIntervalMs: 60_000 });

    for (let i = 0; i < 5; i++) queue.kick();
    for (let i = 0; i < 50; i++) {
      await flush();
      if (i % 5 === 0) queue.kick();
    }

    expect(posts).toHaveLength(maxParallelPosts);
    expect(claimsAtOnce.most).toBe(1);
    const submitting = db.prepare("SELECT COUNT(*) FROM jobs WHERE status = 'submitting'").pluck().get();
    expect(submitting).toBe(maxParallelPosts);
    db.close();
  });
});

describe('the submission queue and the allow-lists', () => {
  it('withdraws a claimed job whose server this process does not allow, releasing it unsent and telling its requester by DM, and sends the next', async () => {
    const db = openDatabase(':memory:');
    const store = createJobStore(db);
    const now = 1_800_000_000_000;
    // Accepted by another process that still allowed the server.
    const foreign = await createAccepted(store, now, { guildId: '100000000000000555', userId: 'user-f' });
    const allowed = await createAccepted(store, now, { userId: 'user-a' });
    const posts: string[] = [];
    const notices: { jobId: number; privately: boolean | undefined }[] = [];
    const tracked: Promise<void>[] = [];
    const ctx = {
      store, clock: { now: () => now }, logger: quiet, jobLogger: () => quiet,
      health: createProviderHealth(), acknowledging: () => false,
      models: { isOff: () => false, recordAccepted: () => undefined },
      settings: { maxConcurrentJobs: 10 },
      apimart: { submit: (request: { prompt: string }) => { posts.push(request.prompt); return new Promise(() => undefined); } },
      schedule: () => undefined, track: (work: Promise<void>) => tracked.push(work), status: { refresh: async () => undefined },
    } as unknown as JobContext;
    const withdrawals = createPlaceWithdrawals({
      store, clock: ctx.clock, logger: ctx.logger, allowLists: { allowedGuildIds: [allowed.guildId], allowedChannelIds: [] },
      notify: async (job, _content, privately) => void notices.push({ jobId: job.id, privately }), ended: () => undefined,
    });

    createSubmissionQueue(ctx, { withdrawals, probeIntervalMs: 60_000 }).kick();
    for (let i = 0; i < 10; i++) await flush();

    expect(await store.get(foreign.id)).toMatchObject({ status: 'failed', failureCode: 'guild_not_allowed' });
    expect(await store.spend.userHeldMicros('user-f')).toBe(0);
    expect(notices).toEqual([{ jobId: foreign.id, privately: true }]);
    expect(posts).toEqual([allowed.request.prompt]);
    expect((await store.get(allowed.id))?.status).toBe('submitting');
    db.close();
  });
});
