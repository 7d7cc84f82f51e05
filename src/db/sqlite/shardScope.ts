import type { ShardScope } from '../shardScope.ts';

/**
 * A SQL condition on `jobs.guild_id` that keeps the jobs of the scope's servers, by Discord's own rule
 * `(guild_id >> 22) % shard_count`. Snowflakes fit SQLite's signed 64-bit integers. The numbers are
 * validated integers, so they can be written into the statement.
 */
export function ownedJobsSql(scope: ShardScope | undefined, column = 'guild_id'): string {
  if (!scope || scope.shardIds.length === scope.shardCount) return '1';
  const ids = scope.shardIds.map((id) => {
    if (!Number.isSafeInteger(id) || id < 0 || id >= scope.shardCount) throw new Error(`invalid shard id ${id}`);
    return String(id);
  });
  if (!Number.isSafeInteger(scope.shardCount) || scope.shardCount < 1) throw new Error('invalid shard count');
  return `((CAST(${column} AS INTEGER) >> 22) % ${scope.shardCount}) IN (${ids.join(', ')})`;
}
