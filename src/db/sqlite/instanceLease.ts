import { InstanceConflictError, type InstanceLease, type LeaseOptions, type LeaseSelf } from '../instanceLease.ts';
import { writeTransaction } from './busyRetry.ts';
import type { Db } from './openDatabase.ts';
import { promised } from './promised.ts';

/**
 * One process per shard and database file: two would both poll and deliver the same servers' jobs.
 * Each shard has a lease naming its holder; a stale heartbeat, or a holder process on this host that
 * no longer exists (a crash), frees it. A live holder that splits the bot into a different number of
 * shards conflicts with every shard, since its servers overlap all of ours.
 */
export function createInstanceLease(
  db: Db,
  self: LeaseSelf,
  opts: LeaseOptions,
): InstanceLease {
  const readHolders = db.prepare<[], { shard_id: number; shard_count: number; host: string; pid: number; pid_started: string | null; heartbeat_at: number }>(
    'SELECT shard_id, shard_count, host, pid, pid_started, heartbeat_at FROM shard_lease');
  const write = db.prepare(
    `INSERT INTO shard_lease (shard_id, shard_count, host, pid, pid_started, heartbeat_at) VALUES (@shardId, @shardCount, @host, @pid, @started, @now)
     ON CONFLICT (shard_id) DO UPDATE SET shard_count = @shardCount, host = @host, pid = @pid, pid_started = @started, heartbeat_at = @now`);
  const removeOther = db.prepare('DELETE FROM shard_lease WHERE shard_id = ?');
  const renew = db.prepare('UPDATE shard_lease SET heartbeat_at = ? WHERE host = ? AND pid = ?');
  const remove = db.prepare('DELETE FROM shard_lease WHERE host = ? AND pid = ?');

  const isSelf = (h: { host: string; pid: number }) => h.host === self.host && h.pid === self.pid;
  const ours = new Set(opts.shardIds);

  const acquire = writeTransaction(db, (now: number) => {
    for (const row of readHolders.all()) {
      if (isSelf(row)) continue;
      const holder = { host: row.host, pid: row.pid, heartbeatAt: row.heartbeat_at, shardId: row.shard_id, shardCount: row.shard_count };
      const fresh = now - row.heartbeat_at < opts.staleMs;
      const deadHere = row.host === self.host && !opts.isAlive(row.pid, row.pid_started);
      const overlaps = row.shard_count !== opts.shardCount || ours.has(row.shard_id);
      if (overlaps && fresh && !deadHere) throw new InstanceConflictError(holder);
      // A holder that is gone, or that ran another split of the shards, leaves nothing to keep.
      if (row.shard_count !== opts.shardCount || !fresh || deadHere) removeOther.run(row.shard_id);
    }
    for (const shardId of opts.shardIds) {
      write.run({ host: self.host, pid: self.pid, started: self.started ?? null, shardId, shardCount: opts.shardCount, now });
    }
  });

  const sync = {
    acquire: (now: number) => acquire(now),
    heartbeat: (now: number) => renew.run(now, self.host, self.pid).changes === opts.shardIds.length,
    release: () => void remove.run(self.host, self.pid),
  };
  return promised(sync);
}
