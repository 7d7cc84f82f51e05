/**
 * The bot under the scale benchmark, as its own process so its memory and event loop are measured
 * apart from the fakes. `seed` fills the database with submitted jobs first; then the app starts,
 * polls for BENCH_RUN_MS, and one JSON line of measurements goes to stdout.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openStores } from '../src/db/openStores.ts';
import { createJobStore } from '../src/db/sqlite/jobStore.ts';
import { openDatabase } from '../src/db/sqlite/openDatabase.ts';
import { createLogger } from '../src/logger.ts';
import { utcPeriods } from '../src/services/spend/budgetPeriods.ts';
import { noIdentifyThrottle } from '../test/e2e/harness.ts';
import { percentile } from './stats.ts';
import { scaleTaskId } from './scaleTasks.ts';
import { sampleJob } from './sampleJob.ts';

const mode = process.argv[2] as 'seed' | 'restart';
const taskIds = Array.from({ length: Number(process.env.BENCH_TASK_COUNT ?? 0) }, (_, i) => scaleTaskId(i));
const runMs = Number(process.env.BENCH_RUN_MS ?? 20_000);
const config = loadConfig(process.env);

const gc = (globalThis as { gc?: () => void }).gc;
const heapAfterGc = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};
const heapBefore = heapAfterGc();
const stateChangeMs: number[] = [];
async function timed<T>(fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  stateChangeMs.push(performance.now() - start);
  return result;
}

if (mode === 'seed') {
  // Seeded through the SQLite store on its own connection, whose fsync the bulk of the seed turns off.
  const db = openDatabase(config.databasePath);
  const store = createJobStore(db);
  const now = Date.now();
  // The configured budgets, as /video would apply them: the seeding pays for every reservation check.
  const window = {
    now, ...utcPeriods(now), userDailyMicros: config.userDailyBudgetMicros, userMonthlyMicros: config.userMonthlyBudgetMicros,
    guildDailyMicros: config.guildDailyBudgetMicros, botDailyMicros: config.botDailyBudgetMicros, userMaxActiveJobs: config.userMaxActiveJobs,
  };
  for (const [i, taskId] of taskIds.entries()) {
    // The first 2,000 state changes are timed as the bot pays for them (fsync); the rest of the seed is
    // test data and skips the fsync, so 30,000 jobs seed in seconds. The store's checks are unchanged.
    if (i === 2_000) db.pragma('synchronous = OFF');
    const created = await timed(() => store.createJob({
      originKey: `bench:${i}`, guildId: process.env.BENCH_GUILD_ID ?? '1', channelId: process.env.BENCH_CHANNEL_ID ?? '1',
      userId: String(1_800_000_000_000_000_000n + BigInt(i % 2000)), locale: 'en-US', applicationId: process.env.BENCH_APP_ID ?? '1',
      interactionToken: null, interactionAt: now, attachmentSizeLimit: 10 * 1024 * 1024,
      ...sampleJob(`scale ${i}`),
      imageName: null, estimateMicros: 400_000, needsConfirmation: false, confirmDeadlineAt: null,
    }, window));
    if (!created.ok) throw new Error(`seed failed: ${created.reason}`);
    const claimed = await timed(() => store.claimForSubmission(Number.MAX_SAFE_INTEGER, now));
    await timed(() => store.recordSubmitted(claimed!.id, taskId, now));
  }
  db.close();
}

const stores = await openStores({ databasePath: config.databasePath });
const logger = createLogger({ level: 'error', secrets: [config.discordToken, config.apimartApiKey] });
const app = createApp({ config, stores, logger, clientOptions: { ...noIdentifyThrottle } as never });
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const startedAt = performance.now();
await app.start();
const startMs = performance.now() - startedAt;
const scheduled = app.scheduler.pendingTimers();
loopDelay.enable();
let peakRssBytes = 0;
const sampler = setInterval(() => { peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss); }, 250);
await new Promise((resolve) => setTimeout(resolve, runMs));
clearInterval(sampler);
loopDelay.disable();
const heapAfter = heapAfterGc();
process.stdout.write(`${JSON.stringify({
  mode, startMs, scheduled,
  peakRssMb: peakRssBytes / 1024 / 1024,
  heapAfterGcMb: heapAfter / 1024 / 1024,
  retainedBytesPerJob: taskIds.length > 0 ? (heapAfter - heapBefore) / taskIds.length : 0,
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  stateChangeP50Ms: percentile(stateChangeMs.slice(0, 6_000), 50), stateChangeP99Ms: percentile(stateChangeMs.slice(0, 6_000), 99),
  stateChanges: stateChangeMs.length,
})}\n`);
await app.stop();
await stores.close();
process.exit(0);
