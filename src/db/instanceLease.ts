import type { Db } from './openDatabase.ts';

export interface LeaseHolder { host: string; pid: number; heartbeatAt: number }

export class InstanceConflictError extends Error {
  override name = 'InstanceConflictError';
  constructor(readonly holder: LeaseHolder) {
    super(`another bot instance (pid ${holder.pid} on ${holder.host}) is using this database; stop it first`);
  }
}

/**
 * Whether the process is still running. `started` is its start time as stored with the lease: a pid
 * that answers but started at another time was reused by an unrelated process.
 */
export type ProcessLiveness = (pid: number, started: string | null) => boolean;
export interface LeaseSelf { host: string; pid: number; started?: string | null }

/**
 * One bot per database file: two would both poll and deliver every job. The lease names the holder;
 * a stale heartbeat, or a holder process on this host that no longer exists (a crash), frees it.
 */
export function createInstanceLease(db: Db, self: LeaseSelf, opts: { staleMs: number; isAlive: ProcessLiveness }) {
  const readHolder = db.prepare<[], { host: string; pid: number; heartbeat_at: number; pid_started: string | null }>(
    'SELECT host, pid, heartbeat_at, pid_started FROM instance_lease WHERE id = 1');
  const write = db.prepare(
    `INSERT INTO instance_lease (id, host, pid, heartbeat_at, pid_started) VALUES (1, @host, @pid, @now, @started)
     ON CONFLICT (id) DO UPDATE SET host = @host, pid = @pid, heartbeat_at = @now, pid_started = @started`);
  const renew = db.prepare('UPDATE instance_lease SET heartbeat_at = ? WHERE id = 1 AND host = ? AND pid = ?');
  const remove = db.prepare('DELETE FROM instance_lease WHERE id = 1 AND host = ? AND pid = ?');

  const isSelf = (h: { host: string; pid: number }) => h.host === self.host && h.pid === self.pid;

  const acquire = db.transaction((now: number) => {
      const row = readHolder.get();
      if (row && !isSelf(row)) {
        const holder = { host: row.host, pid: row.pid, heartbeatAt: row.heartbeat_at };
        const fresh = now - row.heartbeat_at < opts.staleMs;
        const deadHere = row.host === self.host && !opts.isAlive(row.pid, row.pid_started);
        if (fresh && !deadHere) throw new InstanceConflictError(holder);
      }
      write.run({ host: self.host, pid: self.pid, started: self.started ?? null, now });
  });

  return {
    /** Throws InstanceConflictError while another live instance holds the lease. */
    acquire: (now: number) => acquire.immediate(now),
    heartbeat: (now: number) => renew.run(now, self.host, self.pid).changes === 1,
    release: () => void remove.run(self.host, self.pid),
  };
}

export type InstanceLease = ReturnType<typeof createInstanceLease>;
