import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeApimart } from '../test/fakes/fakeApimart.ts';
import { FakeDiscord, type RecordedRequest } from '../test/fakes/fakeDiscord.ts';
import { BotProcess } from '../test/e2e/botProcess.ts';
import { testEnv, videoOptions } from '../test/e2e/harness.ts';
import { loadConfig } from '../src/config.ts';
import { heapFlags } from '../src/heapFlags.ts';
import { limitsSeen, type LimitsSeen } from './discordLimits.ts';
import { benchBudgetEnv, checkLedger } from './money.ts';
import { processCpuMs } from './processCpu.ts';
import { watchStaleness, type Sent, type Staleness } from './staleness.ts';
import { sleep, type BenchResult } from './stats.ts';

const benchEnv = {
  ...benchBudgetEnv, MAX_CONCURRENT_JOBS: '100000',
  // The production default: the bot logs every job's events, and that is part of what it costs.
  POLL_MIN_INTERVAL_MS: '2000', POLL_MAX_INTERVAL_MS: '30000', LOG_LEVEL: 'info',
};

/** Discord's rate limits, and its 3 s deadline for the first answer to an interaction (the fake keeps both by default). */
const discordAsDiscord = { rateLimits: true } as const;

const callbackOf = (r: RecordedRequest) => (r.method === 'POST' && r.path.startsWith('/interactions/') ? r.path.split('/')[2] : undefined);
const answered = (r: RecordedRequest) => r.status >= 200 && r.status < 300;
const userFor = (i: number) => String(1_600_000_000_000_000_000n + BigInt(i));

export interface BurstRun { sent: Sent[]; ackMs: number[]; unanswered: number; cpuPerCommandMs: number; limits: LimitsSeen }

/**
 * Sends `size` commands at once from distinct users and times each INTERACTION_CREATE → callback
 * Discord accepted. Three commands first warm the client up (lazy code paths, first connections).
 * The client's CPU time runs from the first command of the burst to the last callback.
 */
async function burst(discord: FakeDiscord, pid: number, size: number, userOf = userFor): Promise<BurstRun> {
  const warmUp = [0, 1, 2].map((i) => discord.sendCommand({ name: 'video', options: videoOptions({ prompt: `warm-up ${i}` }), userId: String(1_500_000_000_000_000_100n + BigInt(i)) }).id);
  await discord.waitFor(() => warmUp.every((id) => discord.requests.some((r) => callbackOf(r) === id)), 30_000);
  const waiting = new Set<string>();
  const sent: Sent[] = [];
  const cpuBefore = processCpuMs(pid);
  for (let i = 0; i < size; i++) {
    const prompt = `bench ${i}`;
    const { id, token } = discord.sendCommand({ name: 'video', options: videoOptions({ prompt }), userId: userOf(i) });
    waiting.add(id);
    sent.push({ id, token, at: Date.now(), prompt });
  }
  // Every callback tried, accepted or refused as too late; a command never answered at all is counted
  // by the caller, not a reason to abandon the run.
  await discord.waitForRequest((r) => waiting.delete(callbackOf(r) ?? '') && waiting.size === 0, 60_000).catch(() => undefined);
  const cpuMs = processCpuMs(pid) - cpuBefore;
  const callbackAt = new Map(discord.requests.flatMap((r) => (callbackOf(r) && answered(r) ? [[callbackOf(r) as string, r.at] as const] : [])));
  const ackMs = sent.flatMap((s) => (callbackAt.has(s.id) ? [(callbackAt.get(s.id) as number) - s.at] : []));
  return { sent, ackMs, unanswered: size - ackMs.length, cpuPerCommandMs: cpuMs / Math.max(1, ackMs.length), limits: limitsSeen(discord.requests) };
}

/** Each client runs in its own process, so the fakes' work in this one does not count against it. */
export async function startClient(script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<BotProcess> {
  const bot = BotProcess.start(env, script, nodeArgs);
  await bot.waitForEvent('bot_ready', 60_000);
  return bot;
}

/** The floor: a bare discord.js client that only defers, under the same burst. */
export async function floorBurst(size: number): Promise<BurstRun> {
  const discord = await FakeDiscord.start(discordAsDiscord);
  const bot = await startClient('bench/floorBot.ts', { DISCORD_TOKEN: discord.botToken, DISCORD_API_URL: discord.apiBase });
  try {
    return await burst(discord, bot.child.pid as number, size);
  } finally {
    await bot.kill();
    await discord.stop();
  }
}

export interface BotRun extends BurstRun { failures: string; firstStatusMs: number[]; staleness: Staleness | undefined; ledger: BenchResult | undefined }

export interface BurstOptions {
  dbPath?: string; userOf?: (i: number) => string; env?: Record<string, string>;
  /** After the watch, how long to wait for the changes it saw to be shown; none: staleness is not measured. */
  catchUpMs?: number;
}

/** One bot process, one burst, then `watchMs` of the jobs running; the ledger is checked on its own database. */
export async function botBurst(size: number, watchMs: number, opts: BurstOptions = {}): Promise<BotRun> {
  const discord = await FakeDiscord.start(discordAsDiscord);
  const apimart = await FakeApimart.start();
  apimart.defaults.estimatedTimeSec = 20;
  apimart.defaults.pollsUntilComplete = 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'videobot-ack-'));
  const dbPath = opts.dbPath ?? join(dir, 'bot.db');
  const env = { ...testEnv(discord, apimart, dbPath), ...benchEnv, ...opts.env };
  // As `npm start` runs it, with the heap flags derived from its configuration.
  const bot = await startClient('src/main.ts', env, heapFlags(loadConfig(env)));
  try {
    const run = await burst(discord, bot.child.pid as number, size, opts.userOf);
    // At least a moment: a refused acknowledgement is logged after Discord's answer arrives.
    const burstAt = run.sent[0]?.at ?? Date.now();
    await sleep(Math.max(watchMs, 500));
    const cutoff = Date.now();
    // The acknowledgement is the first status when it carries content; a deferral waits for its first edit.
    const firstStatusMs = run.sent.map((s) => {
      const callback = discord.requests.find((r) => callbackOf(r) === s.id && answered(r));
      const content = (callback?.body as { data?: { content?: string } } | undefined)?.data?.content;
      if (callback && content) return callback.at - s.at;
      const edit = discord.requests.find((r) => r.method === 'PATCH' && r.path.includes(`/${s.token}/`) && answered(r));
      return (edit?.at ?? Infinity) - s.at;
    });
    const staleness = opts.catchUpMs === undefined ? undefined : await watchStaleness(discord, apimart, run.sent, burstAt, cutoff, opts.catchUpMs);
    const events = bot.events();
    const failures = ['job_acknowledge_failed', 'command_failed', 'gateway_disconnected', 'gateway_reconnecting']
      .map((name) => [name, events.filter((e) => e.event === name).length] as const)
      .filter(([, n]) => n > 0).map(([name, n]) => `${name} ${n}`).join(', ') || 'no failures logged';
    return {
      ...run, failures, firstStatusMs, staleness,
      limits: limitsSeen(discord.requests),
      // A database the caller owns is checked by the caller, once, after all its runs.
      ledger: opts.dbPath ? (await bot.kill(), undefined) : (await bot.kill(), checkLedger(dbPath, `ack_${size}`)),
    };
  } finally {
    await bot.kill();
    await discord.stop();
    await apimart.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
