import { describe, expect, it } from 'vitest';
import { createInstanceLease } from '../../src/db/sqlite/instanceLease.ts';
import { InstanceConflictError } from '../../src/db/instanceLease.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';

const staleMs = 60_000;

function leases(alive: Set<number>) {
  const db = openDatabase(':memory:');
  const make = (host: string, pid: number, shardIds: number[] = [0], shardCount = 1) =>
    createInstanceLease(db, { host, pid }, { staleMs, isAlive: (p) => alive.has(p), shardIds, shardCount });
  return { db, make };
}

describe('instance lease: one bot per database file', () => {
  it('refuses a second live instance on the same host', async () => {
    const { make } = leases(new Set([1, 2]));
    await make('box', 1).acquire(0);
    await expect(make('box', 2).acquire(1_000)).rejects.toThrow(InstanceConflictError);
  });

  it('refuses an instance on another host while the holder keeps its heartbeat', async () => {
    const { make } = leases(new Set([1]));
    const first = make('box-a', 1);
    await first.acquire(0);
    expect(await first.heartbeat(50_000)).toBe(true);
    await expect(make('box-b', 7).acquire(100_000)).rejects.toThrow(/pid 1 on box-a/);
  });

  it('takes over from a holder process on this host that died (a crash)', async () => {
    const { make } = leases(new Set([2]));
    await make('box', 1).acquire(0);
    await expect(make('box', 2).acquire(1_000)).resolves.toBeUndefined();
  });

  it('takes over a lease whose heartbeat went stale', async () => {
    const { make } = leases(new Set([1, 2]));
    await make('box-a', 1).acquire(0);
    await expect(make('box-b', 2).acquire(staleMs + 1)).resolves.toBeUndefined();
  });

  it('frees the lease on release, and the old holder can no longer renew it', async () => {
    const { make } = leases(new Set([1, 2]));
    const first = make('box', 1);
    await first.acquire(0);
    await first.release();
    const second = make('box', 2);
    await second.acquire(10);
    expect(await first.heartbeat(20)).toBe(false);
    expect(await second.heartbeat(20)).toBe(true);
  });
});

describe('instance lease: one process per shard', () => {
  it('lets two processes run different shards of the same split on one database', async () => {
    const { make } = leases(new Set([1, 2]));
    const first = make('box', 1, [0], 2);
    const second = make('box', 2, [1], 2);
    await first.acquire(0);
    await expect(second.acquire(10)).resolves.toBeUndefined();
    expect(await first.heartbeat(20)).toBe(true);
    expect(await second.heartbeat(20)).toBe(true);
  });

  it('refuses a second live process for a shard that is taken', async () => {
    const { make } = leases(new Set([1, 2]));
    await make('box', 1, [0, 2], 4).acquire(0);
    await expect(make('box', 2, [2], 4).acquire(10)).rejects.toThrow(/shard 2 of 4/);
  });

  it('refuses a live process that splits the bot into a different number of shards', async () => {
    const { make } = leases(new Set([1, 2]));
    await make('box', 1, [0], 1).acquire(0);
    await expect(make('box', 2, [1], 2).acquire(10)).rejects.toThrow(InstanceConflictError);
  });

  it('lets the replacement of a crashed shard process take its shards, and only those', async () => {
    const alive = new Set([1, 2, 3]);
    const { make } = leases(alive);
    await make('box', 1, [0], 2).acquire(0);
    const survivor = make('box', 2, [1], 2);
    await survivor.acquire(0);
    alive.delete(1);
    await expect(make('box', 3, [0], 2).acquire(1_000)).resolves.toBeUndefined();
    await expect(make('box', 4, [1], 2).acquire(1_000)).rejects.toThrow(/pid 2/);
    expect(await survivor.heartbeat(2_000)).toBe(true);
  });

  it('drops the leases of an earlier split once its processes are gone', async () => {
    const { db, make } = leases(new Set([2]));
    await make('box', 1, [0], 1).acquire(0);
    await make('box', 2, [1], 2).acquire(1_000);
    expect(db.prepare('SELECT shard_id, shard_count, pid FROM shard_lease').all()).toEqual([{ shard_id: 1, shard_count: 2, pid: 2 }]);
  });

  it('stores the holder\'s start time and passes it to the liveness check, so a reused pid holds nothing', async () => {
    const db = openDatabase(':memory:');
    const started = new Map([[1, 'started-at-1']]);
    const opts = { staleMs, shardIds: [0], shardCount: 1, isAlive: (pid: number, at: string | null) => started.get(pid) === at };
    await createInstanceLease(db, { host: 'box', pid: 1, started: 'started-at-1' }, opts).acquire(0);
    await expect(createInstanceLease(db, { host: 'box', pid: 2 }, opts).acquire(10)).rejects.toThrow(/pid 1/);
    started.set(1, 'started-later');
    await expect(createInstanceLease(db, { host: 'box', pid: 2 }, opts).acquire(20)).resolves.toBeUndefined();
  });
});
