/**
 * The epoch of the shard leases this process holds, shared by its lease and its stores. Null until a
 * lease is held (tools, tests): then transitions are not fenced.
 */
export interface LeaseFence {
  epoch: number | null;
  shardCount: number;
}

export const createLeaseFence = (): LeaseFence => ({ epoch: null, shardCount: 1 });

/**
 * The condition every fenced job transition adds: the lease of the job's shard still carries this
 * process's epoch. The row is share-locked, so a takeover (which rewrites the epoch) waits for the
 * transitions already under way and every later one sees the new epoch and changes nothing.
 */
export function fenceSql(fence: LeaseFence, table = 'jobs'): string {
  if (fence.epoch === null) return 'true';
  if (!Number.isSafeInteger(fence.epoch) || !Number.isSafeInteger(fence.shardCount) || fence.shardCount < 1) throw new Error('invalid lease fence');
  return `EXISTS (SELECT 1 FROM shard_lease fence WHERE fence.shard_id = ${table}.guild_bucket % ${fence.shardCount} AND fence.epoch = ${fence.epoch} FOR SHARE)`;
}
