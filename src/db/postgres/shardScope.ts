import type { ShardScope } from '../shardScope.ts';

/**
 * A SQL condition that keeps the jobs of the scope's servers, by Discord's rule `(guild_id >> 22) %
 * shard_count` on the stored `guild_bucket` (= guild_id >> 22). The numbers are validated integers, so
 * they can be written into the statement.
 */
export function ownedJobsSql(scope: ShardScope | undefined, table = 'jobs'): string {
  if (!scope || scope.shardIds.length === scope.shardCount) return 'true';
  if (!Number.isSafeInteger(scope.shardCount) || scope.shardCount < 1) throw new Error('invalid shard count');
  const ids = scope.shardIds.map((id) => {
    if (!Number.isSafeInteger(id) || id < 0 || id >= scope.shardCount) throw new Error(`invalid shard id ${id}`);
    return String(id);
  });
  return `(${table}.guild_bucket % ${scope.shardCount}) IN (${ids.join(', ')})`;
}
