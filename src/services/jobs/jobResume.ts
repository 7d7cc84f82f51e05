import type { Job, PollJob } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { JobContext } from './jobContext.ts';

/** Resumed jobs' first polls are spread over this much time per job (capped at the max poll interval). */
const resumeSpreadPerJobMs = 3;

export interface JobResumeDeps {
  ctx: JobContext;
  poll(job: PollJob, spreadMs?: number): void;
  armConfirmation(job: Job): void;
  /** Whether a timer (a poll, a confirmation deadline) already follows the job. */
  isFollowed(jobId: number): boolean;
}

/**
 * Start-up: every unfinished job is picked up again, and nothing that may have reached the provider is
 * resent. Polling is what most unfinished jobs need, so they are read first and with only a poll's
 * fields; jobs waiting for a ✅ or for delivery are read whole (they are few).
 */
export function createJobResume(deps: JobResumeDeps) {
  const { ctx } = deps;
  const { store, clock } = ctx;
  /** Jobs this instance quarantined at start: a stalled previous instance may still store their task id. */
  const quarantinedIds = new Set<number>();

  return {
    async resume(): Promise<{ resumed: number; quarantined: Job[] }> {
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
      for (const job of toPoll) deps.poll(job, spreadMs);
      const others = await store.jobsToConfirmOrDeliver();
      for (const job of others) {
        if (job.status === 'awaiting_confirmation') deps.armConfirmation(job);
        else ctx.deliver(job);
      }
      return { resumed: toPoll.length + others.length, quarantined };
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
        if (!job || job.status !== 'submitted' || deps.isFollowed(id)) continue;
        ctx.jobLogger(job).warn('job_late_task_id_adopted', { taskId: job.taskId });
        deps.poll(job);
      }
    },
  };
}
