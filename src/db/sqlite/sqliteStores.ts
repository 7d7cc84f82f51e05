import type { Stores } from '../openStores.ts';
import { createInstanceLease } from './instanceLease.ts';
import { createJobStore } from './jobStore.ts';
import type { Db } from './openDatabase.ts';
import { createOperationsQueries } from './operationsQueries.ts';
import { createRetentionStore } from './retentionStore.ts';

/** The stores over one open connection, which close() closes. Tests pass their own to assert on its tables. */
export function createSqliteStores(db: Db): Stores {
  return {
    jobStore: (scope) => createJobStore(db, scope),
    operationsQueries: createOperationsQueries(db),
    retentionStore: createRetentionStore(db),
    instanceLease: (self, options) => createInstanceLease(db, self, options),
    async close() {
      db.close();
    },
  };
}
