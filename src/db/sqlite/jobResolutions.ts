import { writeTransaction } from './busyRetry.ts';
import type { Job } from '../job.ts';
import type { ResolutionOutcome } from '../jobStore.ts';
import type { SyncJobQueries } from './jobQueries.ts';
import type { LedgerWriter } from './ledgerWriter.ts';
import type { Db } from './openDatabase.ts';
import type { SyncSpendStore } from './spendStore.ts';

/**
 * An admin's answer for a job the bot cannot settle itself (submit outcome unknown, or timed out):
 * billed settles it at its estimate and ends it without a video; not billed releases it. The job's
 * state, its ledger row and the audit row commit together, or not at all.
 */
export function createJobResolutions(db: Db, spend: SyncSpendStore, queries: SyncJobQueries, writeLedger: LedgerWriter) {
  const billed = db.prepare(
    `UPDATE jobs SET status = 'expired', failure_code = 'resolved_billed', cost_micros = estimate_micros,
       finished_at = @now, updated_at = @now
     WHERE id = @id AND guild_id = @guildId AND status IN ('submit_unknown', 'timed_out')`);
  const notBilled = db.prepare(
    `UPDATE jobs SET status = 'failed', failure_code = 'resolved_not_billed', finished_at = @now, updated_at = @now
     WHERE id = @id AND guild_id = @guildId AND status IN ('submit_unknown', 'timed_out')`);

  return {
    /** Undefined when the job left those states meanwhile (a late result, another admin). */
    resolveJob: writeTransaction(db, (r: { id: number; guildId: string; outcome: ResolutionOutcome; actorId: string; now: number }): Job | undefined => {
      const before = queries.get(r.id);
      const statement = r.outcome === 'billed' ? billed : notBilled;
      if (!before || statement.run(r).changes !== 1) return undefined;
      const job = queries.get(r.id) as Job;
      if (r.outcome === 'billed') writeLedger(job, 'settle', 0, r.now);
      else writeLedger(job, 'release', -job.estimateMicros, r.now);
      spend.audit({
        guildId: r.guildId, actorId: r.actorId, action: 'resolve', targetUserId: job.userId, jobId: job.id,
        detail: JSON.stringify({ outcome: r.outcome, from: before.status, taskId: job.taskId, amountMicros: job.estimateMicros }), now: r.now,
      });
      return job;
    }),
  };
}
