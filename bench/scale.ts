import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeApimart } from '../test/fakes/fakeApimart.ts';
import { FakeDiscord } from '../test/fakes/fakeDiscord.ts';
import { testEnv } from '../test/e2e/harness.ts';
import { scaleTaskId } from './scaleTasks.ts';
import { round, type BenchResult } from './stats.ts';

interface ScaleReport { startMs: number; scheduled: number; peakRssMb: number; loopDelayP99Ms: number; stateChangeP50Ms: number; stateChangeP99Ms: number; stateChanges: number }

const root = fileURLToPath(new URL('..', import.meta.url));

function runBot(mode: 'seed' | 'restart', env: Record<string, string>): Promise<ScaleReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scaleBot.ts', mode], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** N jobs in flight at once, then a restart of the bot with all of them unfinished. */
export async function measureScale(jobCount: number, runMs: number): Promise<BenchResult[]> {
  const discord = await FakeDiscord.start();
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
  const env = {
    ...testEnv(discord, apimart, join(dir, 'bot.db')), LOG_LEVEL: 'error', DOTENV_CONFIG_PATH: '/dev/null',
    POLL_MIN_INTERVAL_MS: '2000', POLL_MAX_INTERVAL_MS: '30000', MAX_CONCURRENT_JOBS: String(jobCount * 2),
    BENCH_TASK_COUNT: String(jobCount), BENCH_RUN_MS: String(runMs),
    BENCH_GUILD_ID: discord.guildId, BENCH_CHANNEL_ID: discord.channelId, BENCH_APP_ID: discord.appId,
  };
  try {
    const inFlight = await runBot('seed', env);
    const restart = await runBot('restart', { ...env, BENCH_TASK_COUNT: '0', BENCH_RUN_MS: '1000' });
    return [
      { name: `rss_peak_${jobCount}_jobs`, value: round(inFlight.peakRssMb), unit: 'MB', goal: '< 300 MB', met: inFlight.peakRssMb < 300 },
      { name: `event_loop_delay_p99_${jobCount}_jobs`, value: round(inFlight.loopDelayP99Ms), unit: 'ms', goal: '< 50 ms', met: inFlight.loopDelayP99Ms < 50 },
      { name: 'db_state_change_p50', value: round(inFlight.stateChangeP50Ms, 3), unit: 'ms', goal: 'informational', met: true },
      { name: 'db_state_change_p99', value: round(inFlight.stateChangeP99Ms, 3), unit: 'ms', goal: '< 5 ms', met: inFlight.stateChangeP99Ms < 5 },
      { name: `restart_resume_${jobCount}_jobs`, value: round(restart.startMs), unit: 'ms', goal: `< 2000 ms with all ${jobCount} rescheduled (got ${restart.scheduled})`, met: restart.startMs < 2000 && restart.scheduled >= jobCount },
    ];
  } finally {
    await discord.stop();
    await apimart.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
