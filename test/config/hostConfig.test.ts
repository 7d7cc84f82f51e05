import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, loadDatabaseSettingsFromEnvironment } from '../../src/config.ts';
import { processShardScope } from '../../src/sharding/resolveShards.ts';
import { shardsOfHost, shardsOfProcess } from '../../src/sharding/shardPlan.ts';
import { configProblems } from '../support/configProblems.ts';

const base = { DISCORD_TOKEN: 'token', APIMART_API_KEY: 'key' };
const url = 'postgres://bot:a-secret-password@db.example:5432/bot';

describe('database and host settings', () => {
  it('keeps SQLite at DATABASE_PATH and one host when nothing is set', () => {
    expect(loadConfig(base)).toMatchObject({ databasePath: './data/bot.db', databaseUrl: undefined, hostCount: 1, hostIndex: 0 });
  });

  it('takes a postgres:// DATABASE_URL, and names a bad one without printing it', () => {
    expect(loadConfig({ ...base, DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(loadConfig({ ...base, DATABASE_URL: 'postgresql://bot@/bot?host=/run/postgresql' }).databaseUrl).toMatch(/^postgresql:/);
    const refused = configProblems({ ...base, DATABASE_URL: 'mysql://bot:a-secret-password@db/bot' });
    expect(refused).toEqual(['DATABASE_URL: must be a postgres:// or postgresql:// URL']);
    expect(refused.join('')).not.toContain('a-secret-password');
  });

  it('gives a host its index among HOST_COUNT hosts sharing a PostgreSQL and a fixed shard count', () => {
    expect(loadConfig({ ...base, DATABASE_URL: url, HOST_COUNT: '3', HOST_INDEX: '2', DISCORD_SHARDS: '6', SHARD_PROCESSES: '2' }))
      .toMatchObject({ hostCount: 3, hostIndex: 2, shards: 6, shardProcesses: 2 });
  });

  it.each([
    [{ HOST_COUNT: '2', HOST_INDEX: '2', DISCORD_SHARDS: '4' }, 'HOST_INDEX: must be below HOST_COUNT (2)'],
    [{ HOST_COUNT: '2', DISCORD_SHARDS: 'auto' }, 'DISCORD_SHARDS: must be a fixed number when HOST_COUNT is above 1, the same on every host'],
    [{ HOST_COUNT: '2' }, 'DISCORD_SHARDS: must be a fixed number when HOST_COUNT is above 1, the same on every host'],
    [{ HOST_COUNT: '2', DISCORD_SHARDS: '3', SHARD_PROCESSES: '2' }, 'DISCORD_SHARDS: must be at least HOST_COUNT × SHARD_PROCESSES (4), so that every process runs a shard'],
    [{ HOST_COUNT: '0' }, 'HOST_COUNT: must be a positive integer'],
    [{ HOST_INDEX: '-1' }, 'HOST_INDEX: must be a whole number (0 for the first host)'],
  ])('refuses %j', (env, problem) => {
    expect(configProblems({ ...base, DATABASE_URL: url, ...env })).toEqual([problem]);
  });

  it('refuses several hosts on SQLite, which serves one host', () => {
    expect(configProblems({ ...base, HOST_COUNT: '2', HOST_INDEX: '1', DISCORD_SHARDS: '2' }))
      .toEqual(['HOST_COUNT: several hosts need DATABASE_URL (a PostgreSQL they share); SQLite serves one host']);
  });
});

describe('shards over hosts', () => {
  it('deals every shard to exactly one process of one host, and one host alone to all of them as before', () => {
    for (const [hosts, processes, shards] of [[1, 1, 1], [1, 3, 16], [2, 1, 2], [2, 2, 8], [3, 2, 16]] as const) {
      const dealt = Array.from({ length: hosts }, (_, h) => Array.from({ length: processes }, (_, p) =>
        shardsOfProcess(p, processes, shards, { index: h, count: hosts }))).flat(2).sort((a, b) => a - b);
      expect(dealt, `${hosts} hosts × ${processes} processes, ${shards} shards`).toEqual(Array.from({ length: shards }, (_, i) => i));
    }
    expect(shardsOfProcess(1, 3, 16)).toEqual(shardsOfHost({ index: 0, count: 1 }, 16).filter((s) => s % 3 === 1));
  });

  it('scopes a host to its slice of the fixed shard count, and each of its processes to a share of that', () => {
    const env = { ...base, DATABASE_URL: url, HOST_COUNT: '2', HOST_INDEX: '1', DISCORD_SHARDS: '8' };
    expect(processShardScope(loadConfig(env))).toEqual({ shardCount: 8, shardIds: [1, 3, 5, 7] });
    const managed = loadConfig({ ...env, SHARD_PROCESSES: '2', SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '8' });
    expect(processShardScope(managed)).toEqual({ shardCount: 8, shardIds: [3, 7] });
    expect(processShardScope(loadConfig({ ...base, DISCORD_SHARDS: '8' }))).toBeUndefined();
  });
});

describe('the environment a database client the bot starts inherits (npm run backup → pg_dump)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('passes on only PATH, HOME, LANG, LC_*, TZ, TMPDIR and libpq’s PG* variables, never a token or key', () => {
    const kept = { PATH: '/usr/bin', HOME: '/home/bot', LANG: 'C.UTF-8', LC_ALL: 'C', TZ: 'UTC', TMPDIR: '/tmp', PGPASSFILE: '/home/bot/.pgpass', PGSSLMODE: 'require' };
    const dropped = { DISCORD_TOKEN: 'token', APIMART_API_KEY: 'key', AWS_SECRET_ACCESS_KEY: 'aws-secret', DOTENV_CONFIG_PATH: '/nonexistent/.env', NODE_OPTIONS: '--require ./x.js' };
    for (const name of Object.keys(process.env)) vi.stubEnv(name, undefined);
    for (const [name, value] of Object.entries({ ...kept, ...dropped, DATABASE_URL: url })) vi.stubEnv(name, value);

    const { databaseUrl, childEnv } = loadDatabaseSettingsFromEnvironment();

    expect(databaseUrl).toBe(url);
    expect(childEnv).toEqual(kept);
  });
});
