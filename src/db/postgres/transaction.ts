import type pg from 'pg';

export interface RetryPolicy {
  /** Further attempts after the first one failed with a serialization failure or a deadlock. */
  retries: number;
  /** Pause before the first retry, doubled each time, with jitter so the two sides do not meet again. */
  firstPauseMs: number;
}

export const defaultRetry: RetryPolicy = { retries: 5, firstPauseMs: 5 };

/**
 * 40001 (serialization failure) and 40P01 (deadlock detected): PostgreSQL rolled the transaction back
 * and nothing of it was written, so running it again is safe.
 */
export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` again, a bounded number of times, while it fails with a retryable error. */
export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy = defaultRetry): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryable(err) || n >= policy.retries) throw err;
      await pause(policy.firstPauseMs * 2 ** n * (0.5 + Math.random()));
    }
  }
}

/**
 * One transaction on a connection of its own from the pool, committed when `body` resolves and rolled
 * back when it throws; retried as a whole on a serialization failure or a deadlock. `begin` may carry
 * statements without parameters that must run first (advisory locks), sent with BEGIN in one round trip.
 */
export async function transaction<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN', policy?: RetryPolicy): Promise<T> {
  return withRetry(async () => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: Error) => {
        broken = rollbackErr;
      });
      throw err;
    } finally {
      // A connection that could not even roll back is closed rather than handed to the next caller.
      client.release(broken);
    }
  }, policy);
}
