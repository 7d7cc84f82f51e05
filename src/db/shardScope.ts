/**
 * The shards whose servers' jobs this process works on (submits, polls, deliveries). Undefined: every
 * job (one process runs all shards).
 */
export interface ShardScope {
  shardCount: number;
  shardIds: readonly number[];
}
