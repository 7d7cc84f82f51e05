import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { processShardScope } from '../../src/sharding/resolveShards.ts';
import { shardsOfProcess } from '../../src/sharding/shardPlan.ts';
import { configProblems } from '../support/configProblems.ts';

const base = { DISCORD_TOKEN: 'token', APIMART_API_KEY: 'key' };

describe('sharding settings', () => {
  it('reads DISCORD_SHARDS as auto or a count, and SHARD_PROCESSES as a positive count', () => {
    expect(loadConfig({ ...base, DISCORD_SHARDS: '4', SHARD_PROCESSES: '2' })).toMatchObject({ shards: 4, shardProcesses: 2, shardProcess: undefined });
    expect(loadConfig({ ...base, DISCORD_SHARDS: 'auto' }).shards).toBe('auto');
    expect(loadConfig({ ...base, DISCORD_SHARDS: '' }).shards).toBe('auto');
    expect(configProblems({ ...base, DISCORD_SHARDS: '0', SHARD_PROCESSES: '0' })).toEqual([
      'DISCORD_SHARDS: must be auto or a positive integer', 'SHARD_PROCESSES: must be a positive integer',
    ]);
    expect(configProblems({ ...base, DISCORD_SHARDS: 'many' })).toEqual(['DISCORD_SHARDS: must be auto or a positive integer']);
  });

  it('refuses SHARDS and SHARD_COUNT, even blank, outside the ShardingManager\'s processes, naming DISCORD_SHARDS', () => {
    for (const value of ['auto', '', '4']) {
      const found = configProblems({ ...base, SHARDS: value });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^SHARDS: .*set DISCORD_SHARDS instead$/);
    }
    expect(configProblems({ ...base, SHARD_COUNT: '2' })).toEqual([
      'SHARD_COUNT: is discord.js\'s own variable, set only for the processes its ShardingManager starts; remove it and set DISCORD_SHARDS instead',
    ]);
  });

  it('in a process the ShardingManager started, reads SHARDS as its index and SHARD_COUNT as the total', () => {
    // The manager's own environment (DISCORD_SHARDS from .env) reaches its processes too.
    const config = loadConfig({ ...base, SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '5', SHARD_PROCESSES: '2', DISCORD_SHARDS: 'auto' });
    expect(config.shardProcess).toEqual({ index: 1, shardCount: 5 });
    expect(processShardScope(config)).toEqual({ shardCount: 5, shardIds: [1, 3] });
    expect(configProblems({ ...base, SHARDING_MANAGER: 'true', SHARDS: '2', SHARD_COUNT: '2' })).toEqual(['SHARDS: the sharding manager passed an invalid shard']);
  });

  it('deals every shard to exactly one process', () => {
    for (const [processes, shards] of [[1, 1], [2, 2], [2, 5], [3, 16]] as const) {
      const dealt = Array.from({ length: processes }, (_, i) => shardsOfProcess(i, processes, shards)).flat().sort((a, b) => a - b);
      expect(dealt).toEqual(Array.from({ length: shards }, (_, i) => i));
    }
  });
});
