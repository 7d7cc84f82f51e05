import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { heapFlags } from '../../src/heapFlags.ts';

const config = (overrides: Partial<Config>): Config => ({ ...loadConfig({ DISCORD_TOKEN: 'token', APIMART_API_KEY: 'key' }), ...overrides });
const oldSpaceMb = (flags: string[]) => Number(flags.find((f) => f.startsWith('--max-old-space-size='))?.split('=')[1] ?? NaN);

describe('heap flags', () => {
  it('keeps the young generation small and the old one growing by half its live size, for every process', () => {
    for (const flags of [heapFlags(config({ shards: 'auto' })), heapFlags(config({ shards: 2 })), heapFlags(config({ shardProcesses: 3 }), 'manager')]) {
      expect(flags).toEqual(expect.arrayContaining(['--max-semi-space-size=2', '--heap-growing-percent=50']));
    }
  });

  it('caps old space by the configured load: more jobs at the provider, more shards per process, more room', () => {
    const small = oldSpaceMb(heapFlags(config({ shards: 1, maxConcurrentJobs: 10 })));
    const manyJobs = oldSpaceMb(heapFlags(config({ shards: 1, maxConcurrentJobs: 30_000 })));
    const manyShards = oldSpaceMb(heapFlags(config({ shards: 8, maxConcurrentJobs: 10 })));
    const spread = oldSpaceMb(heapFlags(config({ shards: 8, shardProcesses: 4, maxConcurrentJobs: 10 }), 'bot'));
    expect(small).toBeGreaterThanOrEqual(256);
    expect(manyJobs).toBeGreaterThan(small);
    expect(manyShards).toBeGreaterThan(spread);
    expect(spread).toBeGreaterThan(small);
  });

  it('sets no cap where the servers per process are unknown (DISCORD_SHARDS=auto), and a small one for the manager', () => {
    expect(heapFlags(config({ shards: 'auto' })).some((f) => f.startsWith('--max-old-space-size'))).toBe(false);
    expect(oldSpaceMb(heapFlags(config({ shards: 'auto', shardProcesses: 2 }), 'manager'))).toBe(256);
  });
});
