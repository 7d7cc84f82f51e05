import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeApimart } from '../test/fakes/fakeApimart.ts';
import { FakeDiscord } from '../test/fakes/fakeDiscord.ts';
import { isCallback, testEnv, videoOptions } from '../test/e2e/harness.ts';
import { global429Result, limitsSeen, type LimitsSeen } from './discordLimits.ts';
import { processCpuMs } from './processCpu.ts';
import { inspectorUrlIn, liveHeapBytes } from './heapProbe.ts';
import { heapFlags } from '../src/heapFlags.ts';
import { loadConfig } from '../src/config.ts';
import { percentile, round, sleep, type BenchResult } from './stats.ts';

/** A mid-sized community server: channels and roles are what discord.js keeps per server. */
const channelsPerServer = 25;
const rolesPerServer = 15;
const ackBurst = 100;
const settleMs = 2_000;
const root = fileURLToPath(new URL('..', import.meta.url));

interface Run { startMs: number; rssKb: number; liveHeapBytes: number | undefined; ackP99Ms: number; unanswered: number; cpuPerCommandMs: number; shardCount: number; limits: LimitsSeen }

function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? NaN);
}

/**
 * `npm start` (src/main.ts, as operators run it) in servers extra servers with realistic channel and
 * role counts; Discord's recommendation is one shard per 1,000 servers. Measures the time until every
 * process is ready, the resident memory of the bot processes once idle (the ShardingManager itself
 * not counted: it does not grow with servers), then the acknowledgement p99 of a burst of commands
 * spread over the servers.
 */
async function runBot(servers: number, processes: number): Promise<Run> {
  const shards = Math.max(1, Math.ceil(servers / 1_000));
  const discord = await FakeDiscord.start({ shards, maxConcurrency: 16, rateLimits: true });
  const apimart = await FakeApimart.start();
  const dir = mkdtempSync(join(tmpdir(), 'videobot-shardbench-'));
  const added = Array.from({ length: servers }, () => discord.addGuild({ channels: channelsPerServer, roles: rolesPerServer }));
  const env = {
    ...testEnv(discord, apimart, join(dir, 'bot.db')), PATH: process.env.PATH ?? '', DOTENV_CONFIG_PATH: '/dev/null',
    LOG_LEVEL: 'info', SHARD_PROCESSES: String(processes), USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0',
    USER_MAX_ACTIVE_JOBS: '1000', MAX_CONCURRENT_JOBS: '1000', CONFIRM_ABOVE_USD: '0',
  };
  const started = performance.now();
  // As `npm start` runs it, with its heap flags; one process alone also opens its inspector, for its live heap.
  const inspect = processes === 1 ? ['--inspect=127.0.0.1:0'] : [];
  const nodeArgs = [...heapFlags(loadConfig(env)), ...inspect, '--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, nodeArgs, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const readies: { pid: number; shardCount: number }[] = [];
  let output = '';
  let readyAt = 0;
  const onLine = (line: string) => {
    if (!line.includes('"bot_ready"')) return;
    readies.push(JSON.parse(line) as { pid: number; shardCount: number });
    if (readies.length === processes) readyAt = performance.now();
  };
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  let inspectorUrl: string | undefined;
  child.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    inspectorUrl ??= inspectorUrlIn(output);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const deadline = Date.now() + 300_000;
    while (readyAt === 0) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`bot not ready with ${servers} servers:\n${output}`);
      await sleep(20);
    }
    await sleep(settleMs);
    const rss = readies.reduce((sum, r) => sum + rssKb(r.pid), 0);
    const live = inspectorUrl ? await liveHeapBytes(inspectorUrl) : undefined;
    const channels = added.length > 0 ? added.map((g) => g.channelIds[0] ?? '') : [discord.channelId];
    const cpuOfBot = () => readies.reduce((sum, r) => sum + processCpuMs(r.pid), 0);
    const cpuBefore = cpuOfBot();
    const sent = Array.from({ length: ackBurst }, (_, i) => {
      const at = Date.now();
      const interaction = discord.sendCommand({
        name: 'video', userId: String(1_700_000_000_000_000_000n + BigInt(i)), channelId: channels[(i * 7919) % channels.length],
        options: videoOptions({ prompt: `bench ${i}` }),
      });
      return { at, interaction };
    });
    const callbacks = await Promise.all(sent.map(async ({ at, interaction }) => ({ at, callback: await discord.waitForRequest(isCallback(interaction.id), 60_000) })));
    const cpuMs = cpuOfBot() - cpuBefore;
    // A callback refused (past Discord's 3 s) is an unanswered command: it counts as never answered.
    const latencies = callbacks.map(({ at, callback }) => (callback.status < 300 ? callback.at - at : Infinity));
    return {
      startMs: readyAt - started, rssKb: rss, liveHeapBytes: live, ackP99Ms: percentile(latencies, 99), cpuPerCommandMs: cpuMs / ackBurst,
      unanswered: latencies.filter((ms) => ms === Infinity).length,
      shardCount: readies[0]?.shardCount ?? 0, limits: limitsSeen(discord.requests),
    };
  } finally {
    // Measured: no graceful stop needed (the database is thrown away).
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(5_000)]);
    for (const { pid } of readies) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    await discord.stop();
    await apimart.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Memory, start-up and acknowledgement latency by number of servers, in one process and in two. */
export async function measureSharding(sizes: readonly number[], twoProcessSizes: readonly number[]): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const processes of [1, 2]) {
    const wanted = processes === 1 ? sizes : twoProcessSizes;
    if (wanted.length === 0) continue;
    const baseline = await runBot(0, processes);
    const suffix = `${processes}_process${processes > 1 ? 'es' : ''}`;
    let largest = { servers: 0, run: baseline };
    for (const servers of wanted) {
      const run = await runBot(servers, processes);
      const label = `${servers}_servers_${suffix}`;
      if (servers > largest.servers) largest = { servers, run };
      results.push(
        { name: `shard_rss_${label}`, value: round(run.rssKb / 1024), unit: 'MB', goal: `informational (${run.shardCount} shards)`, met: true },
        { name: `shard_startup_${label}`, value: round(run.startMs), unit: 'ms', goal: 'informational (start to every process ready)', met: true },
        { name: `shard_ack_p99_${label}`, value: round(run.ackP99Ms), unit: 'ms', goal: `< 3000 ms (burst of ${ackBurst}; client CPU ${round(run.cpuPerCommandMs, 3)} ms/command)`, met: run.ackP99Ms < 3_000 },
        {
          name: `shard_ack_unanswered_${label}`, value: run.unanswered, unit: 'commands', invariant: true, met: run.unanswered === 0,
          goal: `0 of ${ackBurst}, Discord's 3 s deadline enforced`,
        },
        global429Result(`sharding_${label}`, [run.limits], 1),
      );
    }
    // The slope from no extra servers to the most: below ~1,000 servers it drowns in the heap's own noise.
    const perServerKb = (largest.run.rssKb - baseline.rssKb) / largest.servers;
    const meaningful = largest.servers >= 1_000;
    const goal = (what: string) => (meaningful ? `< 15 KB (${what}, 0 → ${largest.servers} servers)` : `informational below 1,000 servers (${what}, 0 → ${largest.servers})`);
    results.push({ name: `shard_rss_per_idle_server_${suffix}`, value: round(perServerKb), unit: 'KB', goal: goal('resident memory'), met: !meaningful || perServerKb < 15 });
    if (largest.run.liveHeapBytes !== undefined && baseline.liveHeapBytes !== undefined) {
      const heapPerServerKb = (largest.run.liveHeapBytes - baseline.liveHeapBytes) / 1024 / largest.servers;
      results.push({ name: `shard_heap_per_idle_server_${suffix}`, value: round(heapPerServerKb), unit: 'KB', goal: goal('live heap after a full GC'), met: !meaningful || heapPerServerKb < 15 });
    }
  }
  return results;
}
