import type { HostCoordination } from './hostCoordination.ts';
import type { InstanceLease, LeaseOptions, LeaseSelf } from './instanceLease.ts';
import type { JobStore } from './jobStore.ts';
import type { OperationsQueries } from './operationsQueries.ts';
import type { RetentionStore } from './retentionStore.ts';
import type { ShardScope } from './shardScope.ts';
import { openDatabase } from './sqlite/openDatabase.ts';
import { createSqliteStores } from './sqlite/sqliteStores.ts';

/** Everything the bot keeps, whatever the engine: services see only these interfaces. */
export interface Stores {
  /** With a shard scope, the queue and the resume lists keep to this process's servers; limits stay bot-wide. */
  jobStore(scope?: ShardScope): JobStore;
  readonly operationsQueries: OperationsQueries;
  readonly retentionStore: RetentionStore;
  instanceLease(self: LeaseSelf, options: LeaseOptions): InstanceLease;
  /** Several hosts on one database (PostgreSQL); undefined on SQLite, which serves one host. */
  readonly hosts?: HostCoordination;
  close(): Promise<void>;
}

export interface DatabaseSettings {
  /** The SQLite file, created with its folder when missing; `:memory:` for a throwaway one. */
  databasePath: string;
  /** `postgres://…`: PostgreSQL instead of SQLite, which several hosts can share. */
  databaseUrl?: string;
}

/** Opens the configured database, migrated to the current schema. The one place that picks the engine. */
export async function openStores(settings: DatabaseSettings): Promise<Stores> {
  if (settings.databaseUrl) {
    // Loaded only here: a bot on SQLite never loads the PostgreSQL client.
    const { openPostgresStores } = await import('./postgres/postgresStores.ts');
    return openPostgresStores({ databaseUrl: settings.databaseUrl });
  }
  return createSqliteStores(openDatabase(settings.databasePath));
}
