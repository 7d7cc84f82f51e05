import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstanceConflictError, type InstanceLease } from '../../src/db/instanceLease.ts';
import { openAnotherHost } from '../support/postgresTestDatabase.ts';
import { openTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { createAccepted, expectLedgerMatchesJobs } from '../unit/storeFixtures.ts';

const staleMs = 60_000;
const now = Date.UTC(2026, 5, 15, 12, 0, 0);
/** A guild on shard 1 of 2: (guild_id >> 22) % 2 = 1. */
const guildOnShard1 = String((123n << 22n) + 5n);

describe('shard leases on PostgreSQL: session locks, epochs and fencing', () => {
  let db: TestDatabase;
  const hosts: ReturnType<typeof openAnotherHost>[] = [];
  const leases: InstanceLease[] = [];
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    for (const lease of leases.splice(0)) await lease.release();
    for (const host of hosts.splice(0)) await host.close();
    await db.close();
  });

  /** Another process (its own pool and lease connection) holding shards of a split. */
  function host(name: string, shardIds: number[], shardCount: number) {
    const h = openAnotherHost(db.url as string, 2);
    hosts.push(h);
    const lease = h.stores.instanceLease({ host: name, pid: 1_000 + hosts.length }, { staleMs, isAlive: () => true, shardIds, shardCount });
    leases.push(lease);
    return { ...h, lease };
  }

  it('refuses a second process for a shard whose holder keeps its session, naming the holder', async () => {
    await host('box-a', [0, 1], 2).lease.acquire(now);
    await expect(host('box-b', [1], 2).lease.acquire(now + staleMs - 1)).rejects.toThrow(/pid 1001 on box-a\) is running shard 1 of 2/);
  });

  it('lets processes of one split hold different shards, and refuses a live process of another split', async () => {
    const a = host('box-a', [0], 2);
    const b = host('box-b', [1], 2);
    await a.lease.acquire(now);
    await b.lease.acquire(now);
    expect([await a.lease.heartbeat(now + 1), await b.lease.heartbeat(now + 1)]).toEqual([true, true]);
    await expect(host('box-c', [3], 4).lease.acquire(now + 2)).rejects.toThrow(InstanceConflictError);
  });

  it('frees the shards the moment the holder\'s session ends, and the old holder can no longer renew', async () => {
    const a = host('box-a', [0], 1);
    await a.lease.acquire(now);
    await a.lease.release();
    const b = host('box-b', [0], 1);
    await b.lease.acquire(now + 10);
    expect(await a.lease.heartbeat(now + 20)).toBe(false);
    expect(await b.lease.heartbeat(now + 20)).toBe(true);
  });

  it('ends the session of a holder whose heartbeat went stale (a stopped process), which then finds its lease gone', async () => {
    const a = host('box-a', [0], 1);
    await a.lease.acquire(now);
    const b = host('box-b', [0], 1);
    await b.lease.acquire(now + staleMs);
    expect(await a.lease.heartbeat(now + staleMs + 1)).toBe(false);
    expect(await b.lease.heartbeat(now + staleMs + 1)).toBe(true);
  });

  it('fences a deposed holder: its transitions and its submit marker change nothing, its money moves nowhere', async () => {
    const a = host('box-a', [0, 1], 2);
    await a.lease.acquire(now);
    const storeA = a.stores.jobStore({ shardIds: [0, 1], shardCount: 2 });
    const running = await createAccepted(storeA, now, { guildId: guildOnShard1 });
    expect((await storeA.claimForSubmission(10, now))?.id).toBe(running.id);
    await storeA.recordSubmitted(running.id, 'task-1', now);
    const claimed = await createAccepted(storeA, now, { guildId: guildOnShard1, userId: 'user-b' });
    expect((await storeA.claimForSubmission(10, now))?.id).toBe(claimed.id);
    const queued = await createAccepted(storeA, now, { guildId: guildOnShard1, userId: 'user-c' });

    // A takes too long; B takes shard 1 over (its session is ended) with a new epoch.
    const b = host('box-b', [1], 2);
    await b.lease.acquire(now + staleMs);
    const storeB = b.stores.jobStore({ shardIds: [1], shardCount: 2 });

    expect(await storeA.completeTask(running.id, { videoUrl: 'https://v.example/1.mp4', videoExpiresAt: null, costMicros: 1 }, now + staleMs)).toBeUndefined();
    expect(await storeA.markSubmitSending(claimed.id, now + staleMs)).toBe(false);
    expect(await storeA.endBeforeSubmission(queued.id, 'cancelled', 'x', now + staleMs)).toBeUndefined();
    expect(await storeA.claimForSubmission(10, now + staleMs)).toBeUndefined();
    expect(await a.lease.heartbeat(now + staleMs)).toBe(false);

    // The new holder works on: its quarantine puts the never-sent claim back, and it settles the running job once.
    expect(await storeB.quarantineInterruptedSubmissions(now + staleMs)).toEqual([]);
    expect((await storeB.completeTask(running.id, { videoUrl: 'https://v.example/1.mp4', videoExpiresAt: null, costMicros: 300_000 }, now + staleMs))?.status).toBe('completed');
    expect(await db.sql.value("SELECT COUNT(*) FROM ledger WHERE kind = 'settle'")).toBe(1);
    await expectLedgerMatchesJobs(db.sql, storeB);
  });
});
