import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeApimart } from '../test/fakes/fakeApimart.ts';
import { FakeDiscord } from '../test/fakes/fakeDiscord.ts';
import { testEnv } from '../test/e2e/harness.ts';
import { loadConfig } from '../src/config.ts';
import { heapFlags } from '../src/heapFlags.ts';
import { scaleTaskId } from './scaleTasks.ts';
import { global429Result, limitsSeen, type LimitsSeen } from './discordLimits.ts';
import { benchBudgetEnv, checkLedger } from './money.ts';
import { median, round, type BenchResult } from './stats.ts';

interface ScaleReport { startMs: number; scheduled: number; peakRssMb: number; heapAfterGcMb: number; retainedBytesPerJob: number; loopDelayP99Ms: number; stateChangeP50Ms: number; stateChangeP99Ms: number; stateChanges: number; polls: number; cpuPerPollUs: number }

const root = fileURLToPath(new URL('..', import.meta.url));

/** `seed` fills the database (bench/scaleSeed.ts); `run` and `restart` start the bot on it (bench/scaleBot.ts). */
export function runBot(mode: 'seed' | 'run' | 'restart', env: Record<string, string>): Promise<ScaleReport> {
  const script = mode === 'seed' ? 'bench/scaleSeed.ts' : 'bench/scaleBot.ts';
  return new Promise((resolve, reject) => {
    // The bot as `npm start` runs it, with the heap flags derived from its configuration.
    const flags = mode === 'seed' ? [] : heapFlags(loadConfig(env));
    const child = spawn(process.execPath, [...flags, '--expose-gc', '--import', 'tsx', script, mode], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"mode"'));
      if (code !== 0 || !line) reject(new Error(`scale bot (${mode}) failed with ${code}:\n${out.slice(-2000)}`));
      else resolve(JSON.parse(line) as ScaleReport);
    });
  });
}

interface ScaleRun { inFlight: ScaleReport; restart: ScaleReport; ledger: BenchResult; limits: LimitsSeen }

/** N jobs in flight at once, then a restart of the bot with all of them unfinished. */
async function scaleRun(jobCount: number, runMs: number): Promise<ScaleRun> {
  const discord = await FakeDiscord.start({ rateLimits: true });
  const apimart = await FakeApimart.start();
  const dir = mkdtempSync(join(tmpdir(), 'videobot-scale-'));
  const now = Date.now();
  const taskIds = Array.from({ length: jobCount }, (_, i) => scaleTaskId(i));
  for (const id of taskIds) {
    apimart.tasks.set(id, {
      id, request: {}, createdAtMs: now, polls: 0, status: 'processing', progress: 0, expired: false,
      plan: { outcome: 'never', estimatedTimeSec: 600, completeAtMs: now + 600_000 },
    });
  }
  const dbPath = join(dir, 'bot.db');
  const env = {
    ...testEnv(discord, apimart, dbPath), ...benchBudgetEnv, GUILD_DAILY_BUDGET_USD: '20000',
    LOG_LEVEL: 'error', DOTENV_CONFIG_PATH: '/dev/null',
    POLL_MIN_INTERVAL_MS: '2000', POLL_MAX_INTERVAL_MS: '30000', MAX_CONCURRENT_JOBS: String(jobCount),
    BENCH_TASK_COUNT: String(jobCount), BENCH_RUN_MS: String(runMs),
    BENCH_GUILD_ID: discord.guildId, BENCH_CHANNEL_ID: discord.channelId, BENCH_APP_ID: discord.appId,
  };
  try {
    await runBot('seed', env);
    const inFlight = await runBot('run', env);
    const restart = await runBot('restart', { ...env, BENCH_RUN_MS: '1000' });
    return { inFlight, restart, ledger: checkLedger(dbPath, `scale_${jobCount}`), limits: limitsSeen(discord.requests) };
  } finally {
    await discord.stop();
    await apimart.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One run per entry of `counts` (repeat a count for a median), each for `runMs` of polling. */
export async function measureScale(counts: number[], runMs: number): Promise<BenchResult[]> {
  const runs = new Map<number, ScaleRun[]>();
  for (const count of counts) runs.set(count, [...(runs.get(count) ?? []), await scaleRun(count, runMs)]);
  const results: BenchResult[] = [];
  for (const [jobCount, all] of runs) {
    const rss = median(all.map((r) => r.inFlight.peakRssMb));
    const limit = jobCount >= 30_000 ? 400 : 250;
    const loop = median(all.map((r) => r.inFlight.loopDelayP99Ms));
    const state = median(all.map((r) => r.inFlight.stateChangeP99Ms));
    const restart = median(all.map((r) => r.restart.startMs));
    const scheduled = Math.min(...all.map((r) => r.restart.scheduled));
    results.push(
      {
        name: `rss_peak_${jobCount}_jobs`, value: round(rss), unit: 'MB', met: rss < limit,
        goal: `< ${limit} MB (median of ${all.length}: ${all.map((r) => round(r.inFlight.peakRssMb)).join(', ')}; live heap after GC ${all.map((r) => round(r.inFlight.heapAfterGcMb)).join(', ')} MB)`,
      },
      { name: `heap_after_gc_${jobCount}_jobs`, value: round(median(all.map((r) => r.inFlight.heapAfterGcMb))), unit: 'MB', goal: 'informational', met: true },
      { name: `retained_bytes_per_job_${jobCount}_jobs`, value: Math.round(median(all.map((r) => r.inFlight.retainedBytesPerJob))), unit: 'bytes', goal: 'informational (heap after GC, whole app, / jobs)', met: true },
      { name: `event_loop_delay_p99_${jobCount}_jobs`, value: round(loop), unit: 'ms', goal: '< 50 ms', met: loop < 50 },
      {
        name: `cpu_per_poll_${jobCount}_jobs`, value: round(median(all.map((r) => r.inFlight.cpuPerPollUs))), unit: 'µs', met: true,
        goal: `informational (all the bot's CPU while it polls, over its polls: ${all.map((r) => r.inFlight.polls).join(', ')} in ${all.length} runs)`,
      },
      {
        name: `db_state_change_p99_${jobCount}_jobs`, value: round(state, 3), unit: 'ms', met: state < 5,
        goal: `< 5 ms (a reservation and its release, ${median(all.map((r) => r.inFlight.stateChanges))} timed in the bot process while it polls ${jobCount} jobs; p50 ${round(median(all.map((r) => r.inFlight.stateChangeP50Ms)), 3)} ms)`,
      },
      { name: `restart_resume_${jobCount}_jobs`, value: round(restart), unit: 'ms', goal: `< 2000 ms with all ${jobCount} rescheduled (got ${scheduled})`, met: restart < 2000 && scheduled >= jobCount },
      { ...all[0]!.ledger, name: `ledger_mismatched_members_scale_${jobCount}`, value: all.reduce((n, r) => n + r.ledger.value, 0), met: all.every((r) => r.ledger.met) },
      global429Result(`scale_${jobCount}`, all.map((r) => r.limits), all.length),
    );
  }
  return results;
}
