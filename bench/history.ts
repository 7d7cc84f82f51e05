import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import type { JobStore, NewJob } from '../src/db/jobStore.ts';
import { createJobStore } from '../src/db/sqlite/jobStore.ts';
import { openDatabase, type Db } from '../src/db/sqlite/openDatabase.ts';
import { utcPeriods } from '../src/services/spend/budgetPeriods.ts';
import { createUsageReports } from '../src/services/spend/usageReports.ts';
import { FakeApimart } from '../test/fakes/fakeApimart.ts';
import { FakeDiscord } from '../test/fakes/fakeDiscord.ts';
import { testEnv } from '../test/e2e/harness.ts';
import { botBurst, type BotRun } from './ackBurst.ts';
import { global429Result } from './discordLimits.ts';
import { allowHeavyMember, buildHistory, finishUnfinished, memberId } from './historyDb.ts';
import { benchBudgetEnv, checkLedger } from './money.ts';
import { runBot } from './scale.ts';
import { median, percentile, round, type BenchResult } from './stats.ts';
import { sampleJob } from './sampleJob.ts';

const heavyUserId = memberId(0);
const guildIds = ['1200000000000000001', '1200000000000000002', '1200000000000000003', '1200000000000000004'];
const channelId = '1300000000000000001';
const applicationId = '1100000000000000001';

/** p95 of `fn` over `times` calls, after two untimed ones (first statement preparation, page cache). */
async function timed(times: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  return percentile(ms, 95);
}

function newJob(now: number, i: number, parentJobId?: number): NewJob {
  return {
    originKey: `bench-history:${now}:${i}`, parentJobId, rerollDedupeMs: parentJobId ? 60_000 : undefined,
    guildId: guildIds[0] as string, channelId, userId: heavyUserId, locale: 'en-US', applicationId,
    interactionToken: null, interactionAt: now, attachmentSizeLimit: 10 * 1024 * 1024,
    ...sampleJob(`history probe ${i}`),
    imageName: null, estimateMicros: 400_000, needsConfirmation: false, confirmDeadlineAt: null,
  };
}

/** Each per-command question, through the same code the commands call, against the given database. */
async function commandCosts(store: JobStore, heavyRecentJobId: number): Promise<Record<string, number>> {
  const now = Date.now();
  const config = loadConfig({ DISCORD_TOKEN: 'x', APIMART_API_KEY: 'x', DATABASE_PATH: ':memory:', ...benchBudgetEnv });
  const reports = createUsageReports({ config, store, clock: { now: () => now, setTimeout, clearTimeout } as never });
  const window = {
    now, ...utcPeriods(now), userDailyMicros: 10_000_000, userMonthlyMicros: 100_000_000, guildDailyMicros: 1, botDailyMicros: 0, userMaxActiveJobs: 1_000,
  };
  // A fresh re-roll of the heavy member's latest job, so every later 🔁 of it is a duplicate.
  const child = await store.createJob(newJob(now, 0, heavyRecentJobId), { ...window, guildDailyMicros: 0 });
  if (!child.ok) throw new Error(`history: the re-roll was refused (${child.reason})`);
  let i = 1;
  const costs = {
    usage: await timed(30, () => reports.usage(guildIds[0] as string, heavyUserId)),
    videos: await timed(30, () => reports.history(guildIds[0] as string, heavyUserId)),
    report_month: await timed(30, () => reports.report(guildIds[0] as string, 'month')),
    reroll_dedupe: await timed(30, async () => expectReason(await store.createJob(newJob(now, i++, heavyRecentJobId), window), 'duplicate')),
    // The server's daily limit refuses, so all three sums (member's day and month, server's day) are read.
    budget_check: await timed(30, async () => expectReason(await store.createJob(newJob(now, i++), window), 'budget')),
  };
  return costs;
}

function expectReason(result: Awaited<ReturnType<JobStore['createJob']>>, reason: string): void {
  if (result.ok || result.reason !== reason) throw new Error(`history: expected ${reason}, got ${JSON.stringify(result).slice(0, 200)}`);
}

/** Unfinished jobs for the restart, through the store's own path (reserve, claim, submitted). */
async function addUnfinished(db: Db, count: number): Promise<void> {
  const store = createJobStore(db);
  const now = Date.now();
  const window = { now, ...utcPeriods(now), userDailyMicros: 0, userMonthlyMicros: 0, guildDailyMicros: 0, botDailyMicros: 0, userMaxActiveJobs: 0 };
  for (let i = 0; i < count; i++) {
    const created = await store.createJob({ ...newJob(now, 10_000 + i), userId: memberId(1 + (i % 1999)) }, window);
    if (!created.ok) throw new Error(`history: unfinished job refused (${created.reason})`);
    const claimed = await store.claimForSubmission(Number.MAX_SAFE_INTEGER, now);
    await store.recordSubmitted(claimed!.id, `task_R${now}_${i}`, now);
  }
}

/**
 * `rows` finished jobs against an empty database, in the same run: each command's own cost, a burst
 * of `/video` from the member with 5 % of the history (interleaved with the same burst on the empty
 * database), and a restart with unfinished jobs waiting.
 */
export async function measureHistory(rows: number, burstSize: number, pairs = 3): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'videobot-history-'));
  const historyPath = join(dir, 'history.db');
  const emptyPath = join(dir, 'empty.db');
  try {
    const now = Date.now();
    const built = buildHistory(historyPath, { rows, guildIds, heavyUserId, channelId, applicationId, now });
    process.stdout.write(`  built ${rows} jobs in ${round(built.seconds)} s\n`);
    for (const path of [historyPath, emptyPath]) {
      const db = openDatabase(path);
      await allowHeavyMember(db, guildIds[0] as string, heavyUserId, now);
      db.close();
    }

    const db = openDatabase(historyPath);
    const costs = await commandCosts(createJobStore(db), built.heavyRecentJobId);
    await finishUnfinished(db, Date.now());
    db.close();

    const env = { ...benchBudgetEnv, USER_MAX_ACTIVE_JOBS: '1000' };
    const ratios: number[] = [];
    const p99s = { empty: [] as number[], history: [] as number[] };
    const cpus = { empty: [] as number[], history: [] as number[] };
    const bursts: BotRun[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      for (const which of ['empty', 'history'] as const) {
        const run = await botBurst(burstSize, 0, { dbPath: which === 'empty' ? emptyPath : historyPath, userOf: () => heavyUserId, env });
        bursts.push(run);
        p99s[which].push(percentile(run.ackMs, 99));
        cpus[which].push(run.cpuPerCommandMs);
        const cleanup = openDatabase(which === 'empty' ? emptyPath : historyPath);
        await finishUnfinished(cleanup, Date.now());
        cleanup.close();
      }
      ratios.push((p99s.history[pair] as number) / Math.max(1, p99s.empty[pair] as number));
    }

    const unfinished = Math.min(1_000, Math.max(100, Math.round(rows / 1000)));
    const restartDb = openDatabase(historyPath);
    await addUnfinished(restartDb, unfinished);
    restartDb.close();
    const discord = await FakeDiscord.start();
    const apimart = await FakeApimart.start();
    let restart;
    try {
      restart = await runBot('restart', {
        ...testEnv(discord, apimart, historyPath), ...env, LOG_LEVEL: 'error', DOTENV_CONFIG_PATH: '/dev/null',
        POLL_MIN_INTERVAL_MS: '2000', POLL_MAX_INTERVAL_MS: '30000', BENCH_TASK_COUNT: '0', BENCH_RUN_MS: '500',
        BENCH_GUILD_ID: discord.guildId, BENCH_CHANNEL_ID: discord.channelId, BENCH_APP_ID: discord.appId,
      });
    } finally {
      await discord.stop();
      await apimart.stop();
    }

    const ratio = median(ratios);
    const label = rows >= 1_000_000 ? `${rows / 1_000_000}M` : `${rows / 1000}k`;
    const under10 = (name: string, ms: number): BenchResult => ({ name: `${name}_at_${label}_jobs`, value: round(ms, 2), unit: 'ms', goal: '< 10 ms (p95 of 30)', met: ms < 10 });
    return [
      { name: `history_build_${label}_jobs`, value: round(built.seconds, 1), unit: 's', goal: 'informational', met: true },
      {
        name: `ack_p99_heavy_member_burst_${burstSize}_at_${label}_jobs`, value: round(ratio, 2), unit: '× empty', met: ratio <= 1.2 || median(p99s.history) <= median(p99s.empty) + 2,
        goal: `≤ 1.2 (median of ${pairs} pairs; history p99 ${round(median(p99s.history))} ms, empty ${round(median(p99s.empty))} ms; client CPU ${round(median(cpus.history), 3)} ms/command, empty ${round(median(cpus.empty), 3)})`,
      },
      {
        name: `ack_unanswered_heavy_member_burst_${burstSize}_at_${label}_jobs`, value: bursts.reduce((n, b) => n + b.unanswered, 0), unit: 'commands', invariant: true,
        goal: `0 of ${bursts.length} × ${burstSize}, Discord's 3 s deadline enforced`, met: bursts.every((b) => b.unanswered === 0),
      },
      global429Result(`history_${label}`, bursts.map((b) => b.limits), bursts.length),
      under10('usage', costs.usage as number),
      under10('videos', costs.videos as number),
      under10('report_month', costs.report_month as number),
      under10('reroll_dedupe', costs.reroll_dedupe as number),
      under10('budget_check', costs.budget_check as number),
      { name: `restart_schedule_${unfinished}_unfinished_at_${label}_jobs`, value: round(restart.startMs), unit: 'ms', goal: `< 1000 ms with all scheduled (got ${restart.scheduled})`, met: restart.startMs < 1000 && restart.scheduled >= unfinished },
      checkLedger(historyPath, `history_${label}`),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
