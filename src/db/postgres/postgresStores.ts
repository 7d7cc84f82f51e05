import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { HostCoordination } from '../hostCoordination.ts';
import type { Stores } from '../openStores.ts';
import { openDedicatedConnection } from './dedicatedConnection.ts';
import { createIdentifyThrottler } from './identifyThrottler.ts';
import { createPostgresInstanceLease } from './instanceLease.ts';
import { createPostgresJobStore } from './jobStore.ts';
import { createLeaseFence } from './leaseFence.ts';
import { migratePostgres } from './migrations.ts';
import { createOperationsQueries } from './operationsQueries.ts';
import { createProviderStateStore } from './providerState.ts';
import { createRetentionStore } from './retentionStore.ts';
import { firstRow } from './sql.ts';
import { listenForTaskHints, publishTaskHint } from './taskHints.ts';
import { postgresTypes } from './types.ts';

export interface PostgresSettings {
  /** `postgres://…`; never logged (it may carry a password). */
  databaseUrl: string;
  /** Connections this process keeps for queries (the lease and the listener have their own). */
  poolSize?: number;
}

export function createPool(settings: PostgresSettings): pg.Pool {
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, types: postgresTypes, max: settings.poolSize ?? 10, keepAlive: true });
  // An idle connection the server closed is dropped by the pool; without a listener its error would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Opens the pool and migrates the schema; the stores share one lease fence, as one process holds one lease. */
export async function openPostgresStores(settings: PostgresSettings): Promise<Stores> {
  const pool = createPool(settings);
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return createPostgresStores(pool, settings.databaseUrl);
}

export function createPostgresStores(pool: pg.Pool, databaseUrl: string): Stores {
  const fence = createLeaseFence();
  const hosts: HostCoordination = {
    providerState: createProviderStateStore(pool),
    identifyThrottler: (maxConcurrency) => createIdentifyThrottler(pool, maxConcurrency),
    async webhookSecret() {
      const row = await firstRow<{ value: string }>(pool,
        `WITH created AS (INSERT INTO bot_secrets (name, value) VALUES ('webhook_path', $1) ON CONFLICT (name) DO NOTHING RETURNING value)
         SELECT value FROM created UNION ALL SELECT value FROM bot_secrets WHERE name = 'webhook_path' LIMIT 1`,
        [randomBytes(24).toString('base64url')])
        // Another host created it at the same moment: the statement waited for that insert but its own
        // snapshot predates it, so only a new statement sees the row.
        ?? await firstRow<{ value: string }>(pool, "SELECT value FROM bot_secrets WHERE name = 'webhook_path'");
      if (!row) throw new Error('the webhook secret could not be read');
      return row.value;
    },
    publishTaskHint: (taskId) => publishTaskHint(pool, taskId),
    listenForTaskHints: (onHint, onError) => listenForTaskHints(databaseUrl, onHint, onError),
  };
  return {
    jobStore: (scope) => createPostgresJobStore(pool, fence, scope),
    operationsQueries: createOperationsQueries(pool),
    retentionStore: createRetentionStore(pool),
    instanceLease: (self, options) => createPostgresInstanceLease(() => openDedicatedConnection(databaseUrl), fence, self, options),
    hosts,
    async close() {
      await pool.end();
    },
  };
}
