import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { REST, ShardingManager, type Shard } from 'discord.js';
import { systemClock, type Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { heapFlags } from '../heapFlags.ts';
import type { Logger } from '../logger.ts';
import { gatewayBotInfo, totalShardCount } from './resolveShards.ts';
import { shardsOfProcess } from './shardPlan.ts';
import { createShardSupervisor, type SupervisedProcess } from './shardSupervisor.ts';

/** Discord allows one IDENTIFY per 5 seconds in each of `max_concurrency` buckets. */
const identifySpacingMs = 5_500;
const readyTimeoutMs = 120_000;
/** The shard processes run the same entry point; the manager's environment tells them which they are. */
const processEntry = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface ShardManagerDeps {
  clock?: Clock;
  random?: () => number;
}

/**
 * `SHARD_PROCESSES` > 1: discord.js's ShardingManager starts that many bot processes on this host,
 * each running its share of the shards (shard s runs in process s % SHARD_PROCESSES) and the jobs of
 * those shards' servers, all on the same database file. A process that dies is started again by the
 * supervisor (with backoff, within the day's IDENTIFY budget), and its replacement takes over its
 * shards' leases and resumes their jobs; the other processes run on meanwhile.
 */
export async function runShardManager(config: Config, logger: Logger, deps: ShardManagerDeps = {}) {
  const clock = deps.clock ?? systemClock;
  const rest = new REST({ api: config.discordApiUrl }).setToken(config.discordToken);
  const gateway = await gatewayBotInfo(rest);
  const shardCount = totalShardCount(config, gateway);
  // Processes identify in parallel only when every shard has an IDENTIFY bucket of its own.
  const spacingMs = gateway.maxConcurrency >= shardCount ? 0 : identifySpacingMs;
  const processIndexes = Array.from({ length: config.shardProcesses }, (_, index) => index);
  const manager = new ShardingManager(processEntry, {
    totalShards: shardCount,
    // ShardingManager runs one "shard" per process: here each stands for a process, whose index picks its shards.
    shardList: processIndexes,
    mode: 'process',
    // discord.js respawns at once and, when the replacement dies before READY, rejects where nobody
    // listens: the supervisor restarts processes instead.
    respawn: false,
    // The entry point is TypeScript, run by tsx as `npm start` runs the single process; the heap is
    // sized for the shards each process runs, now that Discord has said how many there are.
    execArgv: [...heapFlags({ ...config, shards: shardCount }, 'bot'), '--import', 'tsx'],
    token: config.discordToken,
  });
  const supervisor = createShardSupervisor({
    clock, logger, random: deps.random ?? Math.random,
    readSessionStartLimit: async () => (await gatewayBotInfo(rest)).sessionStartLimit,
  });
  const processes = processIndexes.map((index) => {
    const shard = manager.createShard(index);
    const supervised = supervisedProcess(shard, shardsOfProcess(index, config.shardProcesses, shardCount).length);
    shard.on('death', (child) => {
      logger.error('shard_process_died', { process: shard.id, exitCode: 'exitCode' in child ? child.exitCode : null });
      supervisor.died(supervised);
    });
    shard.on('error', (err) => logger.error('shard_process_error', { process: shard.id, err }));
    return supervised;
  });

  logger.info('shard_manager_starting', { processes: config.shardProcesses, shardCount, sessionStartsLeft: gateway.sessionStartLimit.remaining });
  let started = 0;
  for (const [i, supervised] of processes.entries()) {
    logger.info('shard_process_starting', { process: supervised.id, processes: config.shardProcesses, shardCount });
    if (await supervisor.start(supervised)) started += 1;
    if (spacingMs > 0 && i < processes.length - 1) await new Promise<void>((resolve) => clock.setTimeout(resolve, spacingMs));
  }
  // A process that failed to start is being restarted by the supervisor; the others serve meanwhile.
  logger.info('shard_manager_ready', { processes: config.shardProcesses, started, shardCount });

  return {
    /** SIGTERM to every process (each stops as a single bot does), without starting them again. */
    async stop(): Promise<void> {
      supervisor.stop();
      await Promise.all(manager.shards.map(async (shard) => {
        const child = shard.process;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        shard.kill();
        await exited;
      }));
    },
  };
}

function supervisedProcess(shard: Shard, identifiesPerStart: number): SupervisedProcess {
  return {
    id: shard.id,
    identifiesPerStart,
    start: async () => {
      await shard.spawn(readyTimeoutMs);
    },
    kill: () => {
      // After a failed start the process may still run (a ready timeout) or be gone already (it died).
      if (shard.process) shard.kill();
    },
  };
}
