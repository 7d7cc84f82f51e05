import type { Job, PollJob } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { JobContext } from './jobContext.ts';
import type { PlaceWithdrawals } from './placeWithdrawals.ts';
import type { SubmissionQueue } from './submissionQueue.ts';

/** Resumed jobs' first polls are spread over this much time per job (capped at the max poll interval). */
const resumeSpreadPerJobMs = 3;

export interface JobResumeParts {
  ctx: JobContext;
  withdrawals: PlaceWithdrawals;
  submissions: SubmissionQueue;
  armConfirmation(job: Job): void;
  poll(job: PollJob, spreadMs?: number): void;
  /** Whether the job already has a timer (its polls, say) in this process. */
  isScheduled(jobId: number): boolean;
}

/**
 * After a restart: every unfinished job is picked up again, nothing that may have reached the provider
 * is sent again, and jobs still waiting in a place the allow-lists no longer admit are withdrawn.
 * Polling is what most unfinished jobs need, so they are read first and with only a poll's fields; the
 * others (waiting for a ✅, queued, or waiting for delivery) are read whole.
 */
export function createJobResume(parts: JobResumeParts) {
  const { ctx, submissions } = parts;
  const { store, clock } = ctx;
  /** Jobs this instance quarantined at start: a stalled previous instance may still store their task id. */
  const quarantinedIds = new Set<number>();

  return {
    async resume(): Promise<{ resumed: number; quarantined: Job[]; withdrawn: number }> {
      const quarantined = await store.quarantineInterruptedSubmissions(clock.now());
      for (const job of quarantined) {
        quarantinedIds.add(job.id);
        ctx.jobLogger(job).error('job_submit_outcome_unknown', { reason: 'process stopped during submission', reservedMicros: job.estimateMicros });
        // Tell the requester, as a live submit whose answer was lost does (jobSubmitter), and show it on the status.
        void ctx.status.refresh(job.id);
        ctx.track(ctx.notifyUser(job, messagesFor(job.locale).submitUnknownNotice(job.userId, job.id)));
      }
      const toPoll = await store.jobsToPoll();
      const spreadMs = Math.min(ctx.settings.pollMaxIntervalMs, toPoll.length * resumeSpreadPerJobMs);
      for (const job of toPoll) parts.poll(job, spreadMs);
      const notAtProvider = await store.jobsNotAtProvider();
      const withdrawn = await parts.withdrawals.atStart(notAtProvider);
      const kept = notAtProvider.filter((job) => !withdrawn.has(job.id));
      for (const job of kept) {
        if (job.status === 'awaiting_confirmation') parts.armConfirmation(job);
        else if (job.status === 'completed') ctx.deliver(job);
      }
      submissions.kick();
      if (!ctx.health.isAvailable()) submissions.probeProviderLater();
      return { resumed: toPoll.length + kept.length, quarantined, withdrawn: withdrawn.size };
    },

    /**
     * A previous instance that stalled (and was taken over) may still have received a quarantined
     * job's task id and stored it: that job now runs at the provider, so it is polled from here.
     */
    async adoptLateTaskIds(): Promise<void> {
      for (const id of [...quarantinedIds]) {
        const job = await store.get(id);
        if (job?.status === 'submit_unknown') continue;
        quarantinedIds.delete(id);
        if (!job || job.status !== 'submitted' || parts.isScheduled(id)) continue;
        ctx.jobLogger(job).warn('job_late_task_id_adopted', { taskId: job.taskId });
        parts.poll(job);
      }
    },
  };
}
