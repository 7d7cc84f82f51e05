import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import type { Job } from '../../src/db/job.ts';
import type { JobStore } from '../../src/db/jobStore.ts';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import type { ApimartClient } from '../../src/services/apimart/client.ts';
import { createProviderHealth } from '../../src/services/apimart/providerHealth.ts';
import type { DiscordMessenger } from '../../src/services/discord/discordMessenger.ts';
import { createJobScheduler } from '../../src/services/jobs/jobScheduler.ts';
import type { StatusUpdater } from '../../src/services/status/statusUpdater.ts';
import { createAccepted, quietLogger } from './storeFixtures.ts';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A store whose reads of one job answer only when the test says, with the row as it was when asked. */
function heldReads(store: JobStore) {
  const held: (() => void)[] = [];
  const slow: JobStore = Object.create(store);
  slow.get = async (id) => {
    const row = await store.get(id);
    await new Promise<void>((resolve) => held.push(resolve));
    return row;
  };
  return { slow, held };
}

describe('accepting a job that waits for its ✅, with a store that answers later', () => {
  it('arms no confirmation timer once a ✅ was handled while the job was being read again', async () => {
    const db = openDatabase(':memory:');
    const store = createJobStore(db);
    const now = Date.now();
    const job = await createAccepted(store, now, { needsConfirmation: true, confirmDeadlineAt: now + 120_000 });
    const { slow, held } = heldReads(store);
    const health = createProviderHealth();
    // No submission while the test looks: the provider is down, so a kick claims nothing.
    health.markUnavailable('test');
    const scheduler = createJobScheduler({
      store: slow, health, clock: systemClock, logger: quietLogger as never, acceptQuietMs: 0, healthProbeIntervalMs: 60_000,
      apimart: {} as ApimartClient, messenger: {} as DiscordMessenger,
      status: { refresh: async () => undefined, stop: async () => undefined } as unknown as StatusUpdater,
      settings: { maxConcurrentJobs: 1, pollMinIntervalMs: 1_000, pollMaxIntervalMs: 10_000, jobTimeoutMs: 3_600_000, latePollWindowMs: 0, downloadTimeoutMs: 1_000 },
    });

    await scheduler.accept(job);
    while (held.length === 0) await pause(1);
    // The requester's ✅ lands while the follow-up's read is on its way.
    const confirmed = await store.confirm(job.id, Date.now()) as Job;
    scheduler.confirmed(confirmed);
    held[0]!();
    await pause(5);

    expect(scheduler.pendingTimers()).toBe(0);
    expect((await store.get(job.id))?.status).toBe('queued');
    await scheduler.stop(0);
    db.close();
  });
});
