/** Which Discord shards this process runs, out of how many the bot uses in total. */
export interface ShardPlan {
  shardCount: number;
  shardIds: readonly number[];
}

/** Discord's routing rule: a server's events reach shard `(guild_id >> 22) % shard_count`. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** Shards dealt round-robin over the processes, so each process gets a share within one of the others. */
export function shardsOfProcess(processIndex: number, processCount: number, shardCount: number): number[] {
  return Array.from({ length: shardCount }, (_, shard) => shard).filter((shard) => shard % processCount === processIndex);
}

export function allShards(shardCount: number): ShardPlan {
  return { shardCount, shardIds: Array.from({ length: shardCount }, (_, shard) => shard) };
}

/** A process that runs every shard owns every job; only a share of them needs filtering. */
export function ownsEveryShard(plan: ShardPlan): boolean {
  return plan.shardIds.length === plan.shardCount;
}
