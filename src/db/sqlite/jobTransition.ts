import type { Statement } from 'better-sqlite3';
import type { Job, JobStatus } from '../job.ts';
import { inList } from './jobQueries.ts';
import type { Db } from './openDatabase.ts';

export type JobTransition = (id: number, from: readonly JobStatus[], to: JobStatus, now: number, set?: Record<string, unknown>) => Job | undefined;

/**
 * The one way a job changes state: guarded by its current status, so a repeated event is a no-op.
 * Returns the job as it is after the change, undefined when the job was not in one of `from`. Each
 * distinct statement is prepared once.
 */
export function createJobTransition(db: Db, read: (id: number) => Job | undefined): JobTransition {
  const statements = new Map<string, Statement>();
  return (id, from, to, now, set = {}) => {
    const assignments = Object.keys(set).map((column) => `, ${column} = @${column}`).join('');
    const sql = `UPDATE jobs SET status = @to, updated_at = @now${assignments} WHERE id = @id AND status IN (${inList(from)})`;
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    const result = statement.run({ ...set, id, to, now });
    return result.changes === 1 ? read(id) : undefined;
  };
}
