/**
 * The bot under the scale benchmark, as its own process so its memory and event loop are measured
 * apart from the fakes and from the seeding (bench/scaleSeed.ts). The app starts on the seeded
 * database, polls for BENCH_RUN_MS, and one JSON line of measurements goes to stdout. In `run` mode
 * state changes are timed meanwhile, through the bot's own stores and event loop, under that load.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import type { JobStore } from '../src/db/jobStore.ts';
import { openStores } from '../src/db/openStores.ts';
import { createLogger } from '../src/logger.ts';
import { createApimartClient } from '../src/services/apimart/client.ts';
import { utcPeriods } from '../src/services/spend/budgetPeriods.ts';
import { noIdentifyThrottle } from '../test/e2e/harness.ts';
import { percentile } from './stats.ts';
import { sampleJob } from './sampleJob.ts';

const mode = process.argv[2] as 'run' | 'restart';
const jobCount = Number(process.env.BENCH_TASK_COUNT ?? 0);
const runMs = Number(process.env.BENCH_RUN_MS ?? 20_000);
const config = loadConfig(process.env);
/** One probe every this often: a reservation and its release, as /video and a cancel make them. */
const probeEveryMs = 50;

const gc = (globalThis as { gc?: () => void }).gc;
const heapAfterGc = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

/**
 * Probe jobs wait for a ✅ that never comes, so the scheduler never submits them; each is reserved and
 * then cancelled (its reservation released), both synced, while the app polls its jobs. Each is timed
 * from the call to its promise settling: the write and its wait for the event loop.
 */
function startStateChangeProbe(store: JobStore, probeConfig: Config): { stop: () => Promise<number[]> } {
  const timings: number[] = [];
  let i = 0;
  let running: Promise<void> = Promise.resolve();
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    timings.push(performance.now() - started);
    return result;
  };
  const probe = async () => {
    const now = Date.now();
    const window = {
      now, ...utcPeriods(now), userDailyMicros: probeConfig.userDailyBudgetMicros, userMonthlyMicros: probeConfig.userMonthlyBudgetMicros,
      guildDailyMicros: probeConfig.guildDailyBudgetMicros, botDailyMicros: probeConfig.botDailyBudgetMicros, userMaxActiveJobs: probeConfig.userMaxActiveJobs,
    };
    const created = await timed(() => store.createJob({
      originKey: `bench-probe:${now}:${i}`, guildId: process.env.BENCH_GUILD_ID ?? '1', channelId: process.env.BENCH_CHANNEL_ID ?? '1',
      userId: String(1_810_000_000_000_000_000n + BigInt(i++)), locale: 'en-US', applicationId: process.env.BENCH_APP_ID ?? '1',
      interactionToken: null, interactionAt: now, attachmentSizeLimit: 10 * 1024 * 1024,
      ...sampleJob(`probe ${i}`),
      imageName: null, estimateMicros: 400_000, needsConfirmation: true, confirmDeadlineAt: now + 3_600_000,
    }, window));
    if (!created.ok) throw new Error(`state-change probe refused: ${created.reason}`);
    await timed(() => store.endBeforeSubmission(created.job.id, 'cancelled', 'bench_probe', Date.now()));
  };
  // One probe at a time: a slow one delays the next rather than piling up.
  const timer = setInterval(() => {
    running = running.then(probe);
  }, probeEveryMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      return timings;
    },
  };
}

const stores = await openStores({ databasePath: config.databasePath });
const heapBefore = heapAfterGc();
const logger = createLogger({ level: 'error', secrets: [config.discordToken, config.apimartApiKey] });
// The provider client as the app builds it, counting polls: the CPU per poll below is all the bot's work over them.
const client = createApimartClient({ baseUrl: config.apimartBaseUrl, apiKey: config.apimartApiKey });
let polls = 0;
const apimart = { ...client, getTask: (...args: Parameters<typeof client.getTask>) => (polls++, client.getTask(...args)) };
const app = createApp({ config, stores, logger, apimart, clientOptions: { ...noIdentifyThrottle } as never });
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const startedAt = performance.now();
await app.start();
const startMs = performance.now() - startedAt;
const scheduled = app.scheduler.pendingTimers();
loopDelay.enable();
const probe = mode === 'run' ? startStateChangeProbe(stores.jobStore(), config) : undefined;
const cpuBefore = process.cpuUsage();
const pollsBefore = polls;
let peakRssBytes = 0;
const sampler = setInterval(() => { peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss); }, 250);
await new Promise((resolve) => setTimeout(resolve, runMs));
clearInterval(sampler);
const stateChangeMs = (await probe?.stop()) ?? [];
const cpu = process.cpuUsage(cpuBefore);
const pollsDuringRun = polls - pollsBefore;
loopDelay.disable();
const heapAfter = heapAfterGc();
process.stdout.write(`${JSON.stringify({
  mode, startMs, scheduled,
  peakRssMb: peakRssBytes / 1024 / 1024,
  heapAfterGcMb: heapAfter / 1024 / 1024,
  retainedBytesPerJob: jobCount > 0 ? (heapAfter - heapBefore) / jobCount : 0,
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  stateChangeP50Ms: percentile(stateChangeMs, 50), stateChangeP99Ms: percentile(stateChangeMs, 99),
  stateChanges: stateChangeMs.length,
  polls: pollsDuringRun, cpuPerPollUs: pollsDuringRun > 0 ? (cpu.user + cpu.system) / pollsDuringRun : 0,
})}\n`);
await app.stop();
await stores.close();
process.exit(0);
