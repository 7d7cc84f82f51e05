/**
 * Fills the scale bench's database with BENCH_TASK_COUNT submitted jobs, through the store's own path
 * (reserve with the configured budgets, claim, submitted), in a process of its own: the bot measured
 * afterwards starts on a database it did not write, as after a restart, and its memory and event loop
 * carry nothing of the seeding.
 */
import { loadConfig } from '../src/config.ts';
import { createJobStore } from '../src/db/sqlite/jobStore.ts';
import { openDatabase } from '../src/db/sqlite/openDatabase.ts';
import { utcPeriods } from '../src/services/spend/budgetPeriods.ts';
import { sampleJob } from './sampleJob.ts';
import { scaleTaskId } from './scaleTasks.ts';

const count = Number(process.env.BENCH_TASK_COUNT ?? 0);
const config = loadConfig(process.env);
// Seeded through the SQLite store on its own connection: test data, so no fsync, and 30,000 jobs seed
// in seconds. The store's checks are unchanged.
const db = openDatabase(config.databasePath);
db.pragma('synchronous = OFF');
const store = createJobStore(db);
const now = Date.now();
const window = {
  now, ...utcPeriods(now), userDailyMicros: config.userDailyBudgetMicros, userMonthlyMicros: config.userMonthlyBudgetMicros,
  guildDailyMicros: config.guildDailyBudgetMicros, botDailyMicros: config.botDailyBudgetMicros, userMaxActiveJobs: config.userMaxActiveJobs,
};
for (let i = 0; i < count; i++) {
  const created = await store.createJob({
    originKey: `bench:${i}`, guildId: process.env.BENCH_GUILD_ID ?? '1', channelId: process.env.BENCH_CHANNEL_ID ?? '1',
    userId: String(1_800_000_000_000_000_000n + BigInt(i % 2000)), locale: 'en-US', applicationId: process.env.BENCH_APP_ID ?? '1',
    interactionToken: null, interactionAt: now, attachmentSizeLimit: 10 * 1024 * 1024,
    ...sampleJob(`scale ${i}`),
    imageName: null, estimateMicros: 400_000, needsConfirmation: false, confirmDeadlineAt: null,
  }, window);
  if (!created.ok) throw new Error(`seed failed: ${created.reason}`);
  const claimed = await store.claimForSubmission(Number.MAX_SAFE_INTEGER, now);
  await store.recordSubmitted(claimed!.id, scaleTaskId(i), now);
}
db.close();
process.stdout.write(`${JSON.stringify({ mode: 'seed', seeded: count })}\n`);
