import { Routes } from 'discord.js';
import type { Config } from '../config.ts';
import { allShards, shardsOfProcess, type ShardPlan } from './shardPlan.ts';

interface RestGet { get(route: `/${string}`): Promise<unknown> }

/** Discord's recommended shard count for this bot (GET /gateway/bot `shards`). */
export async function recommendedShardCount(rest: RestGet): Promise<number> {
  const { shards } = (await rest.get(Routes.gatewayBot())) as { shards?: unknown };
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1) throw new Error('GET /gateway/bot gave no shard count');
  return shards;
}

/** The bot's total shard count: SHARDS, or Discord's recommendation; at least one per process. */
export async function totalShardCount(config: Pick<Config, 'shards' | 'shardProcesses'>, rest: RestGet): Promise<number> {
  const wanted = config.shards === 'auto' ? await recommendedShardCount(rest) : config.shards;
  return Math.max(wanted, config.shardProcesses);
}

/** The shards this process runs: its share when started by the ShardingManager, else all of them. */
export function processShardScope(config: Pick<Config, 'shardProcess' | 'shardProcesses'>): ShardPlan | undefined {
  const managed = config.shardProcess;
  if (!managed) return undefined;
  return { shardCount: managed.shardCount, shardIds: shardsOfProcess(managed.index, config.shardProcesses, managed.shardCount) };
}

export async function resolveShardPlan(config: Pick<Config, 'shards' | 'shardProcesses' | 'shardProcess'>, rest: RestGet): Promise<ShardPlan> {
  return processShardScope(config) ?? allShards(await totalShardCount({ shards: config.shards, shardProcesses: 1 }, rest));
}
