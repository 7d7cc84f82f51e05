import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import type { JobStore } from '../../src/db/jobStore.ts';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import type { DiscordMessenger } from '../../src/services/discord/discordMessenger.ts';
import { createStatusUpdater } from '../../src/services/status/statusUpdater.ts';
import { createAccepted, quietLogger } from './storeFixtures.ts';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('status edits with a store that answers later', () => {
  it('answers a refresh that arrives while the job is read for its edit with a later edit, never a second one at once', async () => {
    const db = openDatabase(':memory:');
    const store = createJobStore(db);
    const job = await createAccepted(store, Date.now());
    await store.setStatusMessage(job.id, job.channelId, '900000000000000009', Date.now());
    const heldReads: (() => void)[] = [];
    const slow: JobStore = Object.create(store);
    slow.get = async (id) => {
      const row = await store.get(id);
      await new Promise<void>((resolve) => heldReads.push(resolve));
      return row;
    };
    const edits = { now: 0, most: 0, total: 0 };
    const heldEdits: (() => void)[] = [];
    const messenger = {
      edit: async () => {
        edits.most = Math.max(edits.most, ++edits.now);
        edits.total++;
        await new Promise<void>((resolve) => heldEdits.push(resolve));
        edits.now--;
      },
    } as unknown as DiscordMessenger;
    const updater = createStatusUpdater({
      store: slow, messenger, clock: systemClock, logger: quietLogger as never, minEditIntervalMs: 0,
      contextFor: async () => ({ queuePosition: 1, jobTimeoutMinutes: 45, predictedFinishMs: null, latePollingEndsAtMs: null }),
    });

    const first = updater.refresh(job.id);
    while (heldReads.length === 0) await flush();
    // The job changes while its first edit is being prepared, and its status is asked for again.
    await store.confirm(job.id, Date.now());
    await store.claimForSubmission(10, Date.now());
    const second = updater.refresh(job.id);
    for (let i = 0; i < 20; i++) {
      for (const release of heldReads.splice(0)) release();
      await flush();
    }
    expect(edits.most).toBe(1);
    expect(edits.total).toBe(1);

    for (let i = 0; i < 20; i++) {
      for (const release of [...heldReads.splice(0), ...heldEdits.splice(0)]) release();
      await flush();
    }
    await Promise.all([first, second]);
    expect(edits).toEqual({ now: 0, most: 1, total: 2 });
    await updater.stop();
    db.close();
  });
});
