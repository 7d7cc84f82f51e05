import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeApimart } from '../test/fakes/fakeApimart.ts';
import { FakeDiscord, type RecordedRequest } from '../test/fakes/fakeDiscord.ts';
import { BotProcess } from '../test/e2e/botProcess.ts';
import { testEnv, videoOptions } from '../test/e2e/harness.ts';
import { percentile, round, sleep, type BenchResult } from './stats.ts';

const benchEnv = {
  USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0', GUILD_DAILY_BUDGET_USD: '0',
  USER_MAX_ACTIVE_JOBS: '1000000', MAX_CONCURRENT_JOBS: '100000', CONFIRM_ABOVE_USD: '0',
  // The production default: the bot logs every job's events, and that is part of what it costs.
  POLL_MIN_INTERVAL_MS: '2000', POLL_MAX_INTERVAL_MS: '30000', LOG_LEVEL: 'info',
};

const callbackOf = (r: RecordedRequest) => (r.method === 'POST' && r.path.startsWith('/interactions/') ? r.path.split('/')[2] : undefined);

/**
 * Sends `size` commands at once from distinct users and times each INTERACTION_CREATE → callback.
 * Three commands first warm the client up (lazy code paths, first connections), for both clients.
 */
async function burst(discord: FakeDiscord, size: number): Promise<number[]> {
  const warmUp = [0, 1, 2].map((i) => discord.sendCommand({ name: 'video', options: videoOptions({ prompt: `warm-up ${i}` }), userId: String(1_500_000_000_000_000_100n + BigInt(i)) }).id);
  await discord.waitFor(() => warmUp.every((id) => discord.requests.some((r) => callbackOf(r) === id)), 30_000);
  const sentAt = new Map<string, number>();
  for (let i = 0; i < size; i++) {
    const { id } = discord.sendCommand({ name: 'video', options: videoOptions({ prompt: `bench ${i}` }), userId: String(1_600_000_000_000_000_000n + BigInt(i)) });
    sentAt.set(id, Date.now());
  }
  const callbacks = () => discord.requests.filter((r) => sentAt.has(callbackOf(r) ?? ''));
  await discord.waitFor(() => callbacks().length >= size, 120_000);
  return callbacks().map((r) => r.at - (sentAt.get(callbackOf(r) as string) as number));
}

/** Each client runs in its own process, so the fakes' work in this one does not count against it. */
async function startClient(script: string, env: Record<string, string>): Promise<BotProcess> {
  const bot = BotProcess.start(env, script);
  await bot.waitForEvent('bot_ready', 30_000);
  return bot;
}

async function floorBurst(size: number): Promise<number[]> {
  const discord = await FakeDiscord.start();
  const bot = await startClient('bench/floorBot.ts', { DISCORD_TOKEN: discord.botToken, DISCORD_API_URL: discord.apiBase });
  try {
    return await burst(discord, size);
  } finally {
    await bot.kill();
    await discord.stop();
  }
}

async function botBurst(size: number): Promise<{ latenciesMs: number[]; hygiene: { restPerJob: number; editsPerJob: number; pollsPerJob: number; rateLimited: number } }> {
  const discord = await FakeDiscord.start();
  const apimart = await FakeApimart.start();
  apimart.defaults.estimatedTimeSec = 20;
  apimart.defaults.pollsUntilComplete = 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'videobot-ack-'));
  const bot = await startClient('src/main.ts', { ...testEnv(discord, apimart, join(dir, 'bot.db')), ...benchEnv });
  try {
    const latenciesMs = await burst(discord, size);
    // Let the jobs settle into polling so the counts cover submission, the first edits and a poll.
    await sleep(Math.min(30_000, 8_000 + size * 10));
    const botRequests = discord.requests.filter((r: RecordedRequest) => !r.path.startsWith('/gateway') && !r.path.includes('/commands'));
    return {
      latenciesMs,
      hygiene: {
        restPerJob: botRequests.length / (size + 3),
        editsPerJob: botRequests.filter((r) => r.method === 'PATCH').length / (size + 3),
        pollsPerJob: apimart.polls().length / (size + 3),
        rateLimited: discord.requests.filter((r) => r.status === 429).length,
      },
    };
  } finally {
    await bot.kill();
    await discord.stop();
    await apimart.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureAckLatency(sizes: number[]): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const size of sizes) {
    const floor = await floorBurst(size);
    const ours = await botBurst(size);
    const floorP99 = percentile(floor, 99);
    const ourP99 = percentile(ours.latenciesMs, 99);
    const ourMax = Math.max(...ours.latenciesMs);
    // Date.now() has 1 ms steps, so tiny bursts get 2 ms of slack on top of the ratio.
    const limit = Math.max(1.5 * floorP99, floorP99 + 2);
    results.push(
      { name: `ack_p50_burst_${size}`, value: round(percentile(ours.latenciesMs, 50)), unit: 'ms', goal: `floor p50 ${round(percentile(floor, 50))} ms (informational)`, met: true },
      { name: `ack_p99_burst_${size}`, value: round(ourP99), unit: 'ms', goal: `≤ 1.5 × floor p99 (${round(floorP99)} ms)`, met: ourP99 <= limit },
      { name: `ack_max_burst_${size}`, value: round(ourMax), unit: 'ms', goal: '< 3000 ms', met: ourMax < 3000 },
    );
    if (size === Math.max(...sizes)) {
      const { hygiene } = ours;
      results.push(
        { name: `rest_requests_per_job_burst_${size}`, value: round(hygiene.restPerJob, 2), unit: 'requests', goal: 'informational', met: true },
        { name: `message_edits_per_job_burst_${size}`, value: round(hygiene.editsPerJob, 2), unit: 'edits', goal: `≤ 1 per poll window (+1 first status): ≤ ${round(hygiene.pollsPerJob + 1, 2)}`, met: hygiene.editsPerJob <= hygiene.pollsPerJob + 1 },
        { name: `discord_429_provoked_burst_${size}`, value: hygiene.rateLimited, unit: 'responses', goal: '0', met: hygiene.rateLimited === 0 },
      );
    }
  }
  return results;
}
