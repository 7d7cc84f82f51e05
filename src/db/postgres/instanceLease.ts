import type pg from 'pg';
import { InstanceConflictError, type InstanceLease, type LeaseHolder, type LeaseOptions, type LeaseSelf } from '../instanceLease.ts';
import { lockArgs, lockSpaces } from './lockKeys.ts';
import type { LeaseFence } from './leaseFence.ts';
import type { DedicatedConnection } from './dedicatedConnection.ts';

interface LeaseRow { shard_id: number; shard_count: number; host: string; pid: number; heartbeat_at: number }

/** Advisory locks of this database held by other sessions, by their two keys. */
const heldByOthers = `SELECT l.pid, l.objid::bigint AS key FROM pg_locks l JOIN pg_database d ON d.oid = l.database
  WHERE d.datname = current_database() AND l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
    AND l.classid::bigint = $1::bigint AND l.pid <> pg_backend_pid()`;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const takeoverAttempts = 50;

/**
 * Shard leases across hosts. A pid says nothing on another host, so liveness comes from the database
 * session: the holder keeps a session advisory lock per shard on a connection of its own (outside the
 * pool, which a transaction-mode pooler would share) for as long as it runs, and PostgreSQL frees them
 * when that session ends. Each acquisition writes a new epoch that the holder's job transitions check,
 * so a holder that was deposed changes nothing. A holder whose heartbeat went stale (a stopped process
 * whose connection stays open) has its session ended by the one taking over. A live process that splits
 * the bot into another number of shards conflicts with every shard.
 */
export function createPostgresInstanceLease(open: () => Promise<DedicatedConnection>, fence: LeaseFence, self: LeaseSelf, opts: LeaseOptions): InstanceLease {
  let connection: DedicatedConnection | undefined;
  let epoch: number | null = null;
  const shardIds = [...opts.shardIds];

  const holderOf = (row: LeaseRow | undefined, shardId: number): LeaseHolder =>
    row ? { host: row.host, pid: row.pid, heartbeatAt: row.heartbeat_at, shardId: row.shard_id, shardCount: row.shard_count }
      : { host: 'unknown', pid: 0, heartbeatAt: 0, shardId, shardCount: opts.shardCount };

  /** One try inside the acquisition lock: the holders in the way (none when the leases are now ours). */
  async function tryAcquire(client: pg.ClientBase, now: number): Promise<{ holders: LeaseHolder[]; backends: number[] }> {
    const leases = (await client.query<LeaseRow>('SELECT shard_id, shard_count, host, pid, heartbeat_at FROM shard_lease')).rows;
    const otherSplits = (await client.query<{ pid: number; key: number }>(heldByOthers, [lockSpaces.split])).rows.filter((r) => r.key !== opts.shardCount);
    if (otherSplits.length > 0) {
      const counts = new Set(otherSplits.map((r) => r.key));
      const holders = leases.filter((l) => counts.has(l.shard_count)).map((l) => holderOf(l, l.shard_id));
      return { holders: holders.length > 0 ? holders : [holderOf(undefined, 0)], backends: otherSplits.map((r) => r.pid) };
    }
    const tries = (await client.query<{ shard: number; got: boolean }>(
      `SELECT shard, pg_try_advisory_lock(${lockSpaces.shard}, shard) AS got FROM unnest($1::int[]) AS shard`, [shardIds])).rows;
    const taken = tries.filter((t) => !t.got).map((t) => t.shard);
    if (taken.length > 0) {
      const backends = (await client.query<{ pid: number; key: number }>(heldByOthers, [lockSpaces.shard])).rows.filter((r) => taken.includes(r.key));
      return { holders: taken.map((shard) => holderOf(leases.find((l) => l.shard_id === shard), shard)), backends: backends.map((b) => b.pid) };
    }
    await client.query(`SELECT pg_advisory_lock_shared(${lockArgs(lockSpaces.split, opts.shardCount)})`);
    const next = Number((await client.query<{ epoch: number }>("SELECT nextval('shard_lease_epoch') AS epoch")).rows[0]?.epoch);
    // Leases of another split belong to processes that are gone (none holds its split's lock).
    await client.query('DELETE FROM shard_lease WHERE shard_count <> $1', [opts.shardCount]);
    await client.query(
      `INSERT INTO shard_lease (shard_id, shard_count, host, pid, pid_started, heartbeat_at, epoch)
       SELECT shard, $2, $3, $4, $5, $6, $7 FROM unnest($1::int[]) AS shard
       ON CONFLICT (shard_id) DO UPDATE SET shard_count = excluded.shard_count, host = excluded.host, pid = excluded.pid,
         pid_started = excluded.pid_started, heartbeat_at = excluded.heartbeat_at, epoch = excluded.epoch`,
      [shardIds, opts.shardCount, self.host, self.pid, self.started ?? null, now, next]);
    epoch = next;
    return { holders: [], backends: [] };
  }

  async function release(): Promise<void> {
    const held = connection;
    connection = undefined;
    if (!held) return;
    if (epoch !== null && !held.lost()) {
      await held.client.query('DELETE FROM shard_lease WHERE shard_id = ANY($1::int[]) AND epoch = $2', [shardIds, epoch]).catch(() => undefined);
    }
    epoch = null;
    await held.close();
  }

  return {
    release,
    async acquire(now: number): Promise<void> {
      connection ??= await open();
      const { client } = connection;
      for (let attempt = 0; ; attempt++) {
        await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${lockArgs(lockSpaces.leaseAcquisition, 0)})`);
        let blocked: { holders: LeaseHolder[]; backends: number[] };
        try {
          blocked = await tryAcquire(client, now);
          if (blocked.holders.length > 0) await client.query('SELECT pg_advisory_unlock_all()');
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK; SELECT pg_advisory_unlock_all()').catch(() => undefined);
          throw err;
        }
        if (blocked.holders.length === 0) {
          fence.epoch = epoch;
          fence.shardCount = opts.shardCount;
          return;
        }
        const stale = blocked.holders.every((h) => now - h.heartbeatAt >= opts.staleMs);
        if (!stale || attempt >= takeoverAttempts) {
          await release();
          throw new InstanceConflictError(blocked.holders[0] as LeaseHolder);
        }
        // Its process stopped answering but its session lives on (SIGSTOP, a frozen VM): end the session,
        // which frees its locks; its epoch is replaced below, so whatever it still writes is fenced off.
        await client.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [blocked.backends]);
        await pause(100);
      }
    },
    async heartbeat(now: number): Promise<boolean> {
      // A lost lease connection took its session locks with it: another process may hold them now.
      if (!connection || connection.lost() || epoch === null) return false;
      try {
        const renewed = await connection.client.query('UPDATE shard_lease SET heartbeat_at = $1 WHERE shard_id = ANY($2::int[]) AND epoch = $3', [now, shardIds, epoch]);
        return renewed.rowCount === shardIds.length;
      } catch (err) {
        if (connection.lost()) return false;
        throw err;
      }
    },
  };
}
