import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { processShardScope } from '../../src/sharding/resolveShards.ts';
import { shardsOfProcess } from '../../src/sharding/shardPlan.ts';

const base = { DISCORD_TOKEN: 'token', APIMART_API_KEY: 'key' };

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('sharding settings', () => {
  it('reads SHARDS as auto or a count, and SHARD_PROCESSES as a positive count', () => {
    expect(loadConfig({ ...base, SHARDS: '4', SHARD_PROCESSES: '2' })).toMatchObject({ shards: 4, shardProcesses: 2, shardProcess: undefined });
    expect(loadConfig({ ...base, SHARDS: 'auto' }).shards).toBe('auto');
    expect(problems({ ...base, SHARDS: '0', SHARD_PROCESSES: '0' })).toEqual([
      'SHARDS: must be auto or a positive integer', 'SHARD_PROCESSES: must be a positive integer',
    ]);
    expect(problems({ ...base, SHARDS: 'many' })).toEqual(['SHARDS: must be auto or a positive integer']);
  });

  it('in a process the ShardingManager started, reads SHARDS as its index and SHARD_COUNT as the total', () => {
    const config = loadConfig({ ...base, SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '5', SHARD_PROCESSES: '2' });
    expect(config.shardProcess).toEqual({ index: 1, shardCount: 5 });
    expect(processShardScope(config)).toEqual({ shardCount: 5, shardIds: [1, 3] });
    expect(problems({ ...base, SHARDING_MANAGER: 'true', SHARDS: '2', SHARD_COUNT: '2' })).toEqual(['SHARDS: the sharding manager passed an invalid shard']);
  });

  it('deals every shard to exactly one process', () => {
    for (const [processes, shards] of [[1, 1], [2, 2], [2, 5], [3, 16]] as const) {
      const dealt = Array.from({ length: processes }, (_, i) => shardsOfProcess(i, processes, shards)).flat().sort((a, b) => a - b);
      expect(dealt).toEqual(Array.from({ length: shards }, (_, i) => i));
    }
  });
});
