import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeApimart } from '../test/fakes/fakeApimart.ts';
import { FakeDiscord, type RecordedRequest } from '../test/fakes/fakeDiscord.ts';
import { BotProcess } from '../test/e2e/botProcess.ts';
import { testEnv, videoOptions } from '../test/e2e/harness.ts';
import { benchBudgetEnv, checkLedger } from './money.ts';
import { median, percentile, round, sleep, type BenchResult } from './stats.ts';

/** The bot's default pace for one status message; staleness is judged against it. */
export const editPacingMs = 5_000;

const benchEnv = {
  ...benchBudgetEnv, MAX_CONCURRENT_JOBS: '100000',
  // The production default: the bot logs every job's events, and that is part of what it costs.
  POLL_MIN_INTERVAL_MS: '2000', POLL_MAX_INTERVAL_MS: '30000', LOG_LEVEL: 'info',
};

const callbackOf = (r: RecordedRequest) => (r.method === 'POST' && r.path.startsWith('/interactions/') ? r.path.split('/')[2] : undefined);
const userFor = (i: number) => String(1_600_000_000_000_000_000n + BigInt(i));

interface Sent { id: string; token: string; at: number; prompt: string }

/**
 * Sends `size` commands at once from distinct users and times each INTERACTION_CREATE → callback.
 * Three commands first warm the client up (lazy code paths, first connections), for both clients.
 */
async function burst(discord: FakeDiscord, size: number, userOf = userFor): Promise<Sent[]> {
  const warmUp = [0, 1, 2].map((i) => discord.sendCommand({ name: 'video', options: videoOptions({ prompt: `warm-up ${i}` }), userId: String(1_500_000_000_000_000_100n + BigInt(i)) }).id);
  await discord.waitFor(() => warmUp.every((id) => discord.requests.some((r) => callbackOf(r) === id)), 30_000);
  const sent: Sent[] = [];
  for (let i = 0; i < size; i++) {
    const prompt = `bench ${i}`;
    const { id, token } = discord.sendCommand({ name: 'video', options: videoOptions({ prompt }), userId: userOf(i) });
    sent.push({ id, token, at: Date.now(), prompt });
  }
  const ids = new Set(sent.map((s) => s.id));
  // A command never answered is a result (counted by the caller), not a reason to abandon the run.
  await discord.waitFor(() => discord.requests.filter((r) => ids.has(callbackOf(r) ?? '')).length >= size, 60_000).catch(() => undefined);
  return sent;
}

function ackTimes(discord: FakeDiscord, sent: Sent[]): number[] {
  const callbackAt = new Map(discord.requests.flatMap((r) => (callbackOf(r) ? [[callbackOf(r) as string, r.at] as const] : [])));
  return sent.flatMap((s) => (callbackAt.has(s.id) ? [(callbackAt.get(s.id) as number) - s.at] : []));
}

/** Each client runs in its own process, so the fakes' work in this one does not count against it. */
export async function startClient(script: string, env: Record<string, string>): Promise<BotProcess> {
  const bot = BotProcess.start(env, script);
  await bot.waitForEvent('bot_ready', 60_000);
  return bot;
}

async function floorBurst(size: number): Promise<number[]> {
  const discord = await FakeDiscord.start({ rateLimits: true });
  const bot = await startClient('bench/floorBot.ts', { DISCORD_TOKEN: discord.botToken, DISCORD_API_URL: discord.apiBase });
  try {
    return ackTimes(discord, await burst(discord, size));
  } finally {
    await bot.kill();
    await discord.stop();
  }
}

export interface BotRun { ackMs: number[]; unanswered: number; failures: string; firstStatusMs: number[]; stalenessMs: number[]; provoked429: number; limitedRoutes: string[]; ledger: BenchResult | undefined }

/**
 * Staleness: each visible change of a job (its submission answered, each poll that moved its progress)
 * to the first edit of its status that reached Discord after it. A change no edit followed before the
 * end of the watch counts until the end. Changes in the last pacing interval + 1 s are not judged.
 */
function staleness(discord: FakeDiscord, apimart: FakeApimart, sent: Sent[], endAt: number): number[] {
  const tokenOf = new Map(sent.map((s) => [s.prompt, s.token]));
  const editsByToken = new Map<string, number[]>();
  for (const r of discord.requests) {
    if (r.method !== 'PATCH' || !r.path.endsWith('/messages/@original')) continue;
    const token = r.path.split('/')[3] as string;
    editsByToken.set(token, [...(editsByToken.get(token) ?? []), r.at]);
  }
  const tokenOfTask = new Map([...apimart.tasks.values()].map((t) => [t.id, tokenOf.get((t.request as { prompt?: string }).prompt ?? '')]));
  const changes: { token: string; at: number }[] = [];
  for (const r of apimart.requests) {
    if (r.method === 'POST' && r.status === 200) {
      const token = tokenOf.get((r.body as { prompt?: string } | undefined)?.prompt ?? '');
      if (token) changes.push({ token, at: r.at });
    } else if (r.method === 'GET' && r.status === 200) {
      const token = tokenOfTask.get(r.path.split('/').pop() ?? '');
      if (token) changes.push({ token, at: r.at });
    }
  }
  const judgedUntil = endAt - editPacingMs - 1_000;
  return changes.filter((c) => c.at <= judgedUntil).map((c) => {
    const landed = (editsByToken.get(c.token) ?? []).find((at) => at > c.at);
    return (landed ?? endAt) - c.at;
  });
}

export interface BurstOptions { dbPath?: string; userOf?: (i: number) => string; env?: Record<string, string> }

/** One bot process, one burst, then `watchMs` of the jobs running; the ledger is checked on its own database. */
export async function botBurst(size: number, watchMs: number, opts: BurstOptions = {}): Promise<BotRun> {
  const discord = await FakeDiscord.start({ rateLimits: true });
  const apimart = await FakeApimart.start();
  apimart.defaults.estimatedTimeSec = 20;
  apimart.defaults.pollsUntilComplete = 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'videobot-ack-'));
  const dbPath = opts.dbPath ?? join(dir, 'bot.db');
  const bot = await startClient('src/main.ts', { ...testEnv(discord, apimart, dbPath), ...benchEnv, ...opts.env });
  try {
    const sent = await burst(discord, size, opts.userOf);
    const ackMs = ackTimes(discord, sent);
    const events = bot.events();
    const failures = ['job_acknowledge_failed', 'command_failed', 'gateway_disconnected', 'gateway_reconnecting']
      .map((name) => [name, events.filter((e) => e.event === name).length] as const)
      .filter(([, n]) => n > 0).map(([name, n]) => `${name} ${n}`).join(', ') || 'no failures logged';
    // The acknowledgement is the first status when it carries content; a deferral waits for its edit.
    const firstStatusMs = sent.map((s) => {
      const callback = discord.requests.find((r) => callbackOf(r) === s.id);
      const content = (callback?.body as { data?: { content?: string } } | undefined)?.data?.content;
      if (callback && content) return callback.at - s.at;
      const edit = discord.requests.find((r) => r.method === 'PATCH' && r.path.includes(`/${s.token}/`));
      return (edit?.at ?? Number.MAX_SAFE_INTEGER) - s.at;
    });
    await sleep(watchMs);
    const endAt = Date.now();
    return {
      ackMs, firstStatusMs, unanswered: size - ackMs.length, failures,
      stalenessMs: staleness(discord, apimart, sent, endAt),
      provoked429: discord.requests.filter((r) => r.status === 429).length,
      limitedRoutes: [...new Set(discord.requests.filter((r) => r.status === 429).map((r) => `${r.method} ${r.path.replace(/\d{17,20}/g, ':id').replace(/\/webhooks\/:id\/[^/]+/, '/webhooks/:id/:token')}${(r.responseBody as { global?: boolean } | undefined)?.global ? ' (global)' : ''}`))],
      // A database the caller owns is checked by the caller, once, after all its runs.
      ledger: opts.dbPath ? (await bot.kill(), undefined) : await stopAndCheck(bot, dbPath, `ack_${size}`),
    };
  } finally {
    await bot.kill();
    await discord.stop();
    await apimart.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function stopAndCheck(bot: BotProcess, dbPath: string, stage: string): Promise<BenchResult> {
  await bot.kill();
  return checkLedger(dbPath, stage);
}

const spread = (values: number[]) => `${round(Math.min(...values), 2)}–${round(Math.max(...values), 2)}`;

/**
 * Floor and bot interleaved (floor, bot, floor, bot, …), so a change in the machine's load hits both;
 * the goal is on the median of the pairs' p99 ratios.
 */
export async function measureAckLatency(sizes: number[], pairs: number, watchMs: number, firstStatusSize: number): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const size of sizes) {
    const floors: number[][] = [];
    const bots: BotRun[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      floors.push(await floorBurst(size));
      bots.push(await botBurst(size, size === Math.max(...sizes) || size === firstStatusSize ? watchMs : 1_000));
    }
    const ratios = bots.map((b, i) => percentile(b.ackMs, 99) / Math.max(1, percentile(floors[i] as number[], 99)));
    const ratio = median(ratios);
    const floorP99 = median(floors.map((f) => percentile(f, 99)));
    const ourP99 = median(bots.map((b) => percentile(b.ackMs, 99)));
    // Date.now() has 1 ms steps, so tiny bursts get 2 ms of slack on top of the ratio.
    const ackMet = ratio <= 1.3 || ourP99 <= floorP99 + 2;
    const ourMax = Math.max(...bots.flatMap((b) => b.ackMs));
    const provoked = bots.reduce((n, b) => n + b.provoked429, 0);
    results.push(
      { name: `ack_p99_ratio_burst_${size}`, value: round(ratio, 2), unit: '× floor', goal: `≤ 1.3 (median of ${pairs} pairs; spread ${spread(ratios)})`, met: ackMet },
      { name: `ack_p99_burst_${size}`, value: round(ourP99), unit: 'ms', goal: `informational (floor p99 ${round(floorP99)} ms; medians of ${pairs} runs)`, met: true },
      { name: `ack_p50_burst_${size}`, value: round(median(bots.map((b) => percentile(b.ackMs, 50)))), unit: 'ms', goal: `informational (floor p50 ${round(median(floors.map((f) => percentile(f, 50))))} ms)`, met: true },
      { name: `ack_max_burst_${size}`, value: round(ourMax), unit: 'ms', goal: '< 3000 ms (Discord\'s deadline)', met: ourMax < 3000 },
      { name: `ack_unanswered_burst_${size}`, value: bots.reduce((n, b) => n + b.unanswered, 0), unit: 'commands', goal: `0 of ${pairs} × ${size} (${bots.map((b) => b.failures).join('; ')})`, met: bots.every((b) => b.unanswered === 0) },
      { name: `discord_429_provoked_burst_${size}`, value: provoked, unit: 'responses', goal: `0 (rate limits enforced; ${pairs} runs)${provoked ? `; on ${[...new Set(bots.flatMap((b) => b.limitedRoutes))].join(', ')}` : ''}`, met: provoked === 0 },
    );
    if (size === firstStatusSize) {
      const first = median(bots.map((b) => percentile(b.firstStatusMs, 95)));
      const floorP95 = median(floors.map((f) => percentile(f, 95)));
      results.push({ name: `first_status_p95_burst_${size}`, value: round(first), unit: 'ms', goal: `≤ 1.3 × floor ack p95 (${round(floorP95)} ms)`, met: first <= Math.max(1.3 * floorP95, floorP95 + 2) });
    }
    if (size === firstStatusSize || size === Math.max(...sizes)) {
      const stale = percentile(bots.flatMap((b) => b.stalenessMs), 95);
      results.push({ name: `status_staleness_p95_burst_${size}`, value: round(stale), unit: 'ms', goal: `≤ edit pacing + 1 s (${editPacingMs + 1000} ms)`, met: stale <= editPacingMs + 1000 });
    }
    const checks = bots.map((b) => b.ledger as BenchResult);
    results.push({ ...checks[0]!, name: `ledger_mismatched_members_ack_${size}`, value: checks.reduce((n, c) => n + c.value, 0), met: checks.every((c) => c.met) });
  }
  return results;
}
