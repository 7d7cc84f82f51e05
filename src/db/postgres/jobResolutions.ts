import type pg from 'pg';
import type { Job } from '../job.ts';
import type { ResolutionOutcome } from '../jobStore.ts';
import { jobFromRow, type JobRow } from '../jobRow.ts';
import { createTransition } from './jobTransition.ts';
import type { LeaseFence } from './leaseFence.ts';
import { firstRow } from './sql.ts';
import { insertAudit } from './spendStore.ts';
import { transaction } from './transaction.ts';

/**
 * An admin's answer for a job the bot cannot settle itself (submit outcome unknown, or timed out):
 * billed settles it at its estimate and ends it without a video; not billed releases it. The job's
 * state, its ledger row and the audit row commit together, or not at all.
 */
export function createJobResolutions(pool: pg.Pool, fence: LeaseFence) {
  return {
    /** Undefined when the job left those states meanwhile (a late result, another admin). */
    resolveJob(r: { id: number; guildId: string; outcome: ResolutionOutcome; actorId: string; now: number }): Promise<Job | undefined> {
      return transaction(pool, async (client) => {
        const before = await firstRow<JobRow>(client, 'SELECT * FROM jobs WHERE id = $1 AND guild_id = $2 FOR UPDATE', [r.id, r.guildId]);
        if (!before) return undefined;
        const transition = createTransition(client, fence);
        const job = r.outcome === 'billed'
          ? await transition(r.id, ['submit_unknown', 'timed_out'], 'expired', r.now,
            { set: { failure_code: 'resolved_billed', finished_at: r.now }, setSql: { cost_micros: 'estimate_micros' }, ledger: 'settle' })
          : await transition(r.id, ['submit_unknown', 'timed_out'], 'failed', r.now,
            { set: { failure_code: 'resolved_not_billed', finished_at: r.now }, ledger: 'release' });
        if (!job) return undefined;
        await insertAudit(client, {
          guildId: r.guildId, actorId: r.actorId, action: 'resolve', targetUserId: job.userId, jobId: job.id,
          detail: JSON.stringify({ outcome: r.outcome, from: jobFromRow(before).status, taskId: job.taskId, amountMicros: job.estimateMicros }), now: r.now,
        });
        return job;
      });
    },
  };
}
