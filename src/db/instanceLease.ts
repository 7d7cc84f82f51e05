export interface LeaseHolder { host: string; pid: number; heartbeatAt: number; shardId: number; shardCount: number }

/**
 * Whether the process is still running. `started` is its start time as stored with the lease (null when
 * unknown): a pid that answers but started at another time was reused by an unrelated process.
 */
export type ProcessLiveness = (pid: number, started: string | null) => boolean;
export interface LeaseSelf { host: string; pid: number; started?: string | null }

export class InstanceConflictError extends Error {
  override name = 'InstanceConflictError';
  constructor(readonly holder: LeaseHolder) {
    super(`another bot instance (pid ${holder.pid} on ${holder.host}) is running shard ${holder.shardId} of ${holder.shardCount} on this database; stop it first`);
  }
}

export interface LeaseOptions { staleMs: number; isAlive: ProcessLiveness; shardIds: readonly number[]; shardCount: number }

/**
 * One process per shard and database: two would both poll and deliver the same servers' jobs. A stale
 * heartbeat, or a holder process on this host that no longer exists (a crash), frees a shard.
 */
export interface InstanceLease {
  /** Rejects with InstanceConflictError while another live process holds one of our shards. */
  acquire(now: number): Promise<void>;
  /** False when this process no longer holds all its shards (another one took over after a stall). */
  heartbeat(now: number): Promise<boolean>;
  release(): Promise<void>;
}
