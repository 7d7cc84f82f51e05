import type { Db } from './openDatabase.ts';

export interface BusyRetry {
  /** Further attempts after the first one failed with SQLITE_BUSY. */
  retries: number;
  /** Pause before each retry, doubled each time. */
  firstPauseMs: number;
}

/**
 * Several bot processes share the database file. `busy_timeout` makes a writer wait for the lock,
 * but SQLite still answers SQLITE_BUSY when the wait runs out, or at once when a read transaction
 * would have to become a write transaction after another process committed. Such a transaction
 * changed nothing, so running it again is safe.
 */
export const defaultBusyRetry: BusyRetry = { retries: 4, firstPauseMs: 25 };

const pauseCell = new Int32Array(new SharedArrayBuffer(4));

/** better-sqlite3 is synchronous, and so is this pause: the caller holds no lock while it waits. */
function pauseSync(ms: number): void {
  Atomics.wait(pauseCell, 0, 0, ms);
}

export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

export function retryOnBusy<A extends unknown[], R>(run: (...args: A) => R, policy: BusyRetry = defaultBusyRetry): (...args: A) => R {
  return (...args: A): R => {
    for (let attempt = 0; ; attempt++) {
      try {
        return run(...args);
      } catch (err) {
        if (!isBusyError(err) || attempt >= policy.retries) throw err;
        pauseSync(policy.firstPauseMs * 2 ** attempt);
      }
    }
  };
}

/**
 * A write transaction that takes the write lock at BEGIN (IMMEDIATE), so its reads (a budget sum, the
 * count of running jobs) cannot be overtaken by another process's commit before its writes; retried
 * on SQLITE_BUSY. Called inside another transaction it becomes a savepoint of that one.
 */
export function writeTransaction<A extends unknown[], R>(db: Db, body: (...args: A) => R, policy?: BusyRetry): (...args: A) => R {
  const txn = db.transaction(body);
  const immediate = retryOnBusy((...args: A) => (db.inTransaction ? txn(...args) : txn.immediate(...args)), policy);
  return immediate;
}
