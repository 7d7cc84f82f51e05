/** Which Discord shards this process runs, out of how many the bot uses in total. */
export interface ShardPlan {
  shardCount: number;
  shardIds: readonly number[];
}

/** Discord's routing rule: a server's events reach shard `(guild_id >> 22) % shard_count`. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** Which of the hosts sharing the database this one is (one host: index 0 of 1). */
export interface HostSlice { index: number; count: number }
export const oneHost: HostSlice = { index: 0, count: 1 };

/** A host's fixed slice of the bot's shards: `s % HOST_COUNT == HOST_INDEX`. */
export function shardsOfHost(host: HostSlice, shardCount: number): number[] {
  return Array.from({ length: shardCount }, (_, shard) => shard).filter((shard) => shard % host.count === host.index);
}

/** The host's shards dealt round-robin over its processes, so each process gets a share within one of the others. */
export function shardsOfProcess(processIndex: number, processCount: number, shardCount: number, host: HostSlice = oneHost): number[] {
  return shardsOfHost(host, shardCount).filter((_, position) => position % processCount === processIndex);
}

export function allShards(shardCount: number): ShardPlan {
  return { shardCount, shardIds: Array.from({ length: shardCount }, (_, shard) => shard) };
}

/** A process that runs every shard owns every job; only a share of them needs filtering. */
export function ownsEveryShard(plan: ShardPlan): boolean {
  return plan.shardIds.length === plan.shardCount;
}
