import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { REST, ShardingManager, type Shard } from 'discord.js';
import type { Config } from '../config.ts';
import { heapFlags } from '../heapFlags.ts';
import type { Logger } from '../logger.ts';
import { gatewayBotInfo, totalShardCount } from './resolveShards.ts';

/** Discord allows one IDENTIFY per 5 seconds in each of `max_concurrency` buckets. */
const identifySpacingMs = 5_500;
const readyTimeoutMs = 120_000;
/** The shard processes run the same entry point; the manager's environment tells them which they are. */
const processEntry = fileURLToPath(new URL('../main.ts', import.meta.url));

/**
 * `SHARD_PROCESSES` > 1: discord.js's ShardingManager starts that many bot processes on this host,
 * each running its share of the shards (shard s runs in process s % SHARD_PROCESSES) and the jobs of
 * those shards' servers, all on the same database file. A process that dies is started again, and its
 * replacement takes over its shards' leases and resumes their jobs.
 */
export async function runShardManager(config: Config, logger: Logger) {
  const rest = new REST({ api: config.discordApiUrl }).setToken(config.discordToken);
  const gateway = await gatewayBotInfo(rest);
  const shardCount = totalShardCount(config, gateway);
  // Processes identify in parallel only when every shard has an IDENTIFY bucket of its own.
  const delay = gateway.maxConcurrency >= shardCount ? 0 : identifySpacingMs;
  const manager = new ShardingManager(processEntry, {
    totalShards: shardCount,
    // ShardingManager runs one "shard" per process: here each stands for a process, whose index picks its shards.
    shardList: Array.from({ length: config.shardProcesses }, (_, index) => index),
    mode: 'process',
    respawn: true,
    // The entry point is TypeScript, run by tsx as `npm start` runs the single process; the heap is
    // sized for the shards each process runs, now that Discord has said how many there are.
    execArgv: [...heapFlags({ ...config, shards: shardCount }, 'bot'), '--import', 'tsx'],
    token: config.discordToken,
  });
  manager.on('shardCreate', (shard: Shard) => {
    logger.info('shard_process_starting', { process: shard.id, processes: config.shardProcesses, shardCount });
    shard.on('death', (child) => logger.error('shard_process_died', { process: shard.id, exitCode: 'exitCode' in child ? child.exitCode : null }));
  });
  logger.info('shard_manager_starting', { processes: config.shardProcesses, shardCount });
  await manager.spawn({ amount: shardCount, delay, timeout: readyTimeoutMs });
  logger.info('shard_manager_ready', { processes: config.shardProcesses, shardCount });

  return {
    /** SIGTERM to every process (each stops as a single bot does), without starting them again. */
    async stop(): Promise<void> {
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
