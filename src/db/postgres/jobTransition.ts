import type { Job, JobStatus } from '../job.ts';
import { jobFromRow, type JobRow } from '../jobRow.ts';
import { fenceSql, type LeaseFence } from './leaseFence.ts';
import { firstRow, inList, type Queryable } from './sql.ts';
import { withRetry } from './transaction.ts';

/** A column set to an expression of one parameter, written `?` (e.g. a value or the column's fallback). */
export class SqlValue {
  constructor(readonly sql: string, readonly value: unknown) {}
}

export interface TransitionOptions {
  /** Columns set to values, or to expressions of one value. */
  set?: Record<string, unknown>;
  /** Columns set to an expression over the job's own columns (written into the statement). */
  setSql?: Record<string, string>;
  /** The ledger row written with the change: a settlement (cost − estimate) or the release of the estimate. */
  ledger?: 'settle' | 'release';
  /** The message that now stands for the job (its result), recorded with the change. */
  message?: { id: string; kind: 'status' | 'result' };
  /** A settlement at the provider's reported cost: kept beside the estimate, per model (price_checks). */
  priceCheck?: boolean;
  /** Checked against the shard lease (every transition but the one that records a late task id). */
  fenced?: boolean;
}

const ledgerAmount = { settle: 'cost_micros - estimate_micros', release: '-estimate_micros' } as const;

/**
 * The one way a job changes state: one statement, guarded by the status it leaves (and the lease),
 * that also writes its ledger row, so the change and its money commit together or not at all. A job
 * found elsewhere changes nothing and answers undefined, so a repeated event is a no-op.
 */
export function createTransition(db: Queryable, fence: LeaseFence) {
  return async function transition(id: number, from: readonly JobStatus[], to: JobStatus, now: number, options: TransitionOptions = {}): Promise<Job | undefined> {
    const values: unknown[] = [to, now];
    const assignments = Object.entries(options.set ?? {}).map(([column, value]) => {
      values.push(value instanceof SqlValue ? value.value : value);
      return `, ${column} = ${value instanceof SqlValue ? value.sql.replace('?', `$${values.length}`) : `$${values.length}`}`;
    });
    for (const [column, expression] of Object.entries(options.setSql ?? {})) assignments.push(`, ${column} = ${expression}`);
    values.push(id);
    const guard = `id = $${values.length} AND status IN (${inList(from)}) AND ${options.fenced === false ? 'true' : fenceSql(fence)}`;
    const parts = [`changed AS (UPDATE jobs SET status = $1, updated_at = $2${assignments.join('')} WHERE ${guard} RETURNING *)`];
    if (options.ledger) {
      parts.push(`money AS (INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at)
        SELECT id, user_id, guild_id, '${options.ledger}', ${ledgerAmount[options.ledger]}, created_at, $2 FROM changed)`);
    }
    if (options.priceCheck) {
      parts.push(`checked AS (INSERT INTO price_checks (job_id, model, estimate_micros, cost_micros, settled_at)
        SELECT id, request_json::json->>'model', estimate_micros, cost_micros, $2 FROM changed ON CONFLICT (job_id) DO NOTHING)`);
    }
    if (options.message) {
      values.push(options.message.id);
      parts.push(`message AS (INSERT INTO job_messages (message_id, job_id, kind) SELECT $${values.length}, id, '${options.message.kind}' FROM changed
        ON CONFLICT (message_id) DO UPDATE SET job_id = excluded.job_id, kind = excluded.kind)`);
    }
    const row = await withRetry(() => firstRow<JobRow>(db, `WITH ${parts.join(', ')} SELECT * FROM changed`, values));
    return row && jobFromRow(row);
  };
}

export type Transition = ReturnType<typeof createTransition>;
