import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { JobStore } from '../../src/db/jobStore.ts';
import { createProviderHealth } from '../../src/services/apimart/providerHealth.ts';
import { createJobIntake } from '../../src/services/jobs/jobIntake.ts';
import { openTestDatabase, testEngine } from '../support/testDatabase.ts';
import { newJob } from './storeFixtures.ts';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const config = loadConfig({ DISCORD_TOKEN: 'token', APIMART_API_KEY: 'key' });

describe(`the group commit with a store that answers later (${testEngine})`, () => {
  it('puts a command that arrives while a commit is being written into the next commit, and answers every one', async () => {
    const db = await openTestDatabase();
    const store = db.stores.jobStore();
    const batches: string[][] = [];
    let release = () => undefined as void;
    const firstCommitWritten = new Promise<void>((resolve) => { release = resolve; });
    const slow: JobStore = Object.create(store);
    slow.createJobs = async (inputs, window) => {
      batches.push(inputs.map((input) => input.originKey));
      if (batches.length === 1) await firstCommitWritten;
      return store.createJobs(inputs, window);
    };
    const intake = createJobIntake({ config, store: slow, health: createProviderHealth(), clock: systemClock });

    const first = ['a', 'b', 'c'].map((key) => intake.createSoon(newJob({ originKey: key, userId: `user-${key}` })));
    await flush();
    expect(batches).toEqual([['a', 'b', 'c']]);
    const later = ['d', 'e'].map((key) => intake.createSoon(newJob({ originKey: key, userId: `user-${key}` })));
    await flush();
    expect(batches).toEqual([['a', 'b', 'c'], ['d', 'e']]);
    release();

    const results = await Promise.all([...first, ...later]);
    expect(results.map((r) => r.ok && r.job.originKey)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await db.sql.value("SELECT COUNT(*) FROM ledger WHERE kind = 'reserve'")).toBe(5);
    await db.close();
  });
});
