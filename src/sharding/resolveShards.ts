import { Routes } from 'discord.js';
import type { Config } from '../config.ts';
import { allShards, shardsOfHost, shardsOfProcess, type ShardPlan } from './shardPlan.ts';

interface RestGet { get(route: `/${string}`): Promise<unknown> }

export interface GatewayBotInfo {
  /** Discord's recommended shard count for this bot. */
  shards: number;
  /** IDENTIFY buckets that may connect in parallel (one IDENTIFY per 5 s each). */
  maxConcurrency: number;
  /** The day's IDENTIFY budget: what is left of `total`, renewed after `resetAfterMs`. */
  sessionStartLimit: { total: number; remaining: number; resetAfterMs: number };
}

const wholeNumber = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback);

/** GET /gateway/bot: the recommended shard count, the identify concurrency and the day's session starts. */
export async function gatewayBotInfo(rest: RestGet): Promise<GatewayBotInfo> {
  const body = (await rest.get(Routes.gatewayBot())) as {
    shards?: unknown; session_start_limit?: { max_concurrency?: unknown; total?: unknown; remaining?: unknown; reset_after?: unknown };
  };
  const { shards } = body;
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1) throw new Error('GET /gateway/bot gave no shard count');
  const limit = body.session_start_limit ?? {};
  const total = wholeNumber(limit.total, 1_000);
  return {
    shards,
    maxConcurrency: Math.max(1, wholeNumber(limit.max_concurrency, 1)),
    sessionStartLimit: { total, remaining: wholeNumber(limit.remaining, total), resetAfterMs: wholeNumber(limit.reset_after, 0) },
  };
}

/** The bot's total shard count: DISCORD_SHARDS, or Discord's recommendation; at least one per process. */
export function totalShardCount(config: Pick<Config, 'shards' | 'shardProcesses'>, gateway: GatewayBotInfo): number {
  return Math.max(config.shards === 'auto' ? gateway.shards : config.shards, config.shardProcesses);
}

type ScopeSettings = Pick<Config, 'shardProcess' | 'shardProcesses' | 'shards' | 'hostCount' | 'hostIndex'>;

/**
 * The shards this process runs: its share of its host's slice when started by the ShardingManager, the
 * host's slice when it runs alone on one of several hosts, else (undefined) all of them.
 */
export function processShardScope(config: ScopeSettings): ShardPlan | undefined {
  const host = { index: config.hostIndex, count: config.hostCount };
  const managed = config.shardProcess;
  if (managed) return { shardCount: managed.shardCount, shardIds: shardsOfProcess(managed.index, config.shardProcesses, managed.shardCount, host) };
  // Several hosts need a fixed shard count (config refuses `auto` then).
  if (host.count > 1 && config.shards !== 'auto') return { shardCount: config.shards, shardIds: shardsOfHost(host, config.shards) };
  return undefined;
}

export async function resolveShardPlan(config: ScopeSettings, rest: RestGet): Promise<ShardPlan> {
  const scoped = processShardScope(config);
  if (scoped) return scoped;
  // A fixed DISCORD_SHARDS needs no question to Discord.
  if (config.shards !== 'auto') return allShards(config.shards);
  return allShards((await gatewayBotInfo(rest)).shards);
}

/**
 * The Client's shard options until `start` resolves the plan (with `auto`, only GET /gateway/bot knows the
 * count). discord.js's Client reads SHARDS from the environment when `shards` is not given, and SHARD_COUNT
 * when `shardCount` is its default 1; giving `shards`, and loadConfig refusing both names outside the
 * ShardingManager's processes, keeps it from ever parsing an operator's value.
 */
export function initialShardPlan(config: ScopeSettings): ShardPlan {
  return processShardScope(config) ?? allShards(config.shards === 'auto' ? 1 : config.shards);
}
