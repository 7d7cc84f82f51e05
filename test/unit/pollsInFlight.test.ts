import { describe, expect, it } from 'vitest';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import type { ApimartClient, TaskStatus } from '../../src/services/apimart/client.ts';
import { createJobPoller } from '../../src/services/jobs/jobPoller.ts';
import type { JobContext } from '../../src/services/jobs/jobContext.ts';
import { createAccepted, quietLogger as quiet } from './storeFixtures.ts';


/** A provider that holds every status request until the test answers it. */
function heldProvider() {
  const held: { taskId: string; answer: (task: TaskStatus) => void }[] = [];
  const apimart = {
    getTask: (taskId: string) => new Promise<TaskStatus>((resolve) => held.push({ taskId, answer: resolve })),
  } as unknown as ApimartClient;
  return { apimart, held };
}

const running = (taskId: string): TaskStatus => ({ taskId, state: 'processing', rawStatus: 'processing', progress: 10 });
const flush = () => new Promise((resolve) => setImmediate(resolve));

async function setup(jobCount: number) {
  const db = openDatabase(':memory:');
  const store = createJobStore(db);
  const now = 1_800_000_000_000;
  const ids: number[] = [];
  for (let i = 0; i < jobCount; i++) {
    const job = await createAccepted(store, now, { userId: `user-${i}` });
    await store.claimForSubmission(Number.MAX_SAFE_INTEGER, now);
    await store.recordSubmitted(job.id, `task-${job.id}`, now);
    ids.push(job.id);
  }
  const { apimart, held } = heldProvider();
  const ctx = {
    store, apimart, clock: { now: () => now }, logger: quiet, jobLogger: () => quiet,
    settings: { maxConcurrentJobs: 1_000, pollMinIntervalMs: 5_000, pollMaxIntervalMs: 60_000, jobTimeoutMs: 3_600_000, latePollWindowMs: 0, downloadTimeoutMs: 0 },
    status: { refresh: async () => {} }, schedule: () => {}, slotFreed: () => {},
  } as unknown as JobContext;
  return { db, ids, held, poller: createJobPoller(ctx) };
}

describe('polls in flight', () => {
  it('holds at most 64 status requests open at once, however many jobs are due, and starts the next as one ends', async () => {
    const { db, ids, held, poller } = await setup(200);
    const polls = ids.map((id) => poller.pollNow(id));
    await flush();
    expect(held).toHaveLength(64);

    held[0]!.answer(running(held[0]!.taskId));
    await flush();
    expect(held).toHaveLength(65);
    expect(held[64]!.taskId).toBe(`task-${ids[64]}`);

    // Every due job is polled in the end, each once.
    for (let answered = 1; answered < ids.length; answered++) {
      while (held.length <= answered) await flush();
      held[answered]!.answer(running(held[answered]!.taskId));
    }
    await Promise.all(polls);
    expect(new Set(held.map((h) => h.taskId)).size).toBe(ids.length);
    db.close();
  });

  it('drops the polls still waiting for a slot when the bot stops, and lets those already asking finish', async () => {
    const { db, ids, held, poller } = await setup(100);
    const polls = ids.map((id) => poller.pollNow(id));
    await flush();
    expect(held).toHaveLength(64);
    poller.stop();
    for (const request of held) request.answer(running(request.taskId));
    await Promise.all(polls);
    expect(held).toHaveLength(64);
    db.close();
  });
});
