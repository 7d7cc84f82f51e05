import type { PollJob } from '../../db/jobRow.ts';
import { languageFor, messagesFor } from '../../i18n/messages.ts';
import { ApimartHttpError } from '../apimart/errors.ts';
import type { TaskStatus } from '../apimart/client.ts';
import type { JobContext } from './jobContext.ts';
import { nextPollDelayMs } from './pollSchedule.ts';
import { failureText } from '../status/statusText.ts';

function failureCodeOf(task: TaskStatus): 'moderation' | 'provider_failed' {
  const text = `${task.error?.type ?? ''} ${String(task.error?.code ?? '')} ${task.error?.message ?? ''}`.toLowerCase();
  return /moderat|policy|safety|sentinel|blocked/.test(text) ? 'moderation' : 'provider_failed';
}

/** Follows submitted jobs with GET /v1/tasks/{id} on the schedule of `pollSchedule`. */
export function createJobPoller(ctx: JobContext) {
  const { store, clock, settings } = ctx;
  const bounds = { minIntervalMs: settings.pollMinIntervalMs, maxIntervalMs: settings.pollMaxIntervalMs };

  function scheduleNext(job: PollJob, retryAfterMs?: number, spreadMs = 0): void {
    const now = clock.now();
    const submittedAt = job.submittedAt ?? job.updatedAt;
    if (job.status === 'timed_out' && now > submittedAt + settings.jobTimeoutMs + settings.latePollWindowMs) {
      ctx.jobLogger(job).warn('job_late_polling_stopped', { taskId: job.taskId });
      return;
    }
    const delayMs = nextPollDelayMs({
      nowMs: now, submittedAtMs: submittedAt, estimatedTimeSec: job.estimatedTimeSec, progress: job.progress,
      consecutiveErrors: job.pollErrors, retryAfterMs,
    }, bounds);
    const slowed = job.status === 'timed_out' ? Math.max(delayMs, settings.pollMaxIntervalMs) : delayMs;
    ctx.schedule(job.id, slowed + Math.random() * spreadMs, () => poll(job.id));
  }

  function applyTimeout(job: PollJob): PollJob {
    const submittedAt = job.submittedAt ?? job.updatedAt;
    if (job.status !== 'submitted' || clock.now() < submittedAt + settings.jobTimeoutMs) return job;
    const timedOut = store.markTimedOut(job.id, clock.now());
    if (!timedOut) return job;
    ctx.jobLogger(job).warn('job_timed_out', { taskId: job.taskId, reservedMicros: job.estimateMicros });
    void ctx.status.refresh(job.id);
    ctx.slotFreed();
    return timedOut;
  }

  function onTask(job: PollJob, task: TaskStatus): void {
    const now = clock.now();
    if (task.state === 'completed' && task.videoUrl) {
      const completed = store.completeTask(job.id, {
        videoUrl: task.videoUrl, videoExpiresAt: task.videoExpiresAtMs ?? null, costMicros: task.costMicros ?? null,
      }, now);
      if (!completed) return;
      ctx.jobLogger(job).info('job_completed', { taskId: job.taskId, costMicros: completed.costMicros });
      if (job.status === 'submitted') ctx.slotFreed();
      ctx.deliver(completed);
      return;
    }
    if (task.state === 'completed' || task.state === 'failed' || task.state === 'cancelled') {
      const code = task.state === 'completed' ? 'no_video' : failureCodeOf(task);
      const failed = store.failTask(job.id, code, task.error?.message ?? task.rawStatus, now);
      if (!failed) return;
      ctx.jobLogger(job).warn('job_failed', { taskId: job.taskId, code, providerError: task.error });
      if (job.status === 'submitted') ctx.slotFreed();
      void ctx.status.refresh(job.id);
      const m = messagesFor(job.locale);
      void ctx.notifyUser(failed, m.failedNotice(failed.userId, failed.id, failureText(m, code)));
      return;
    }
    // The written row comes back from the update: a poll reads the job once and parses no request.
    const updated = applyTimeout(store.recordProgress(job.id, task.progress, task.estimatedTimeSec ?? null, now) ?? job);
    void ctx.status.refresh(job.id);
    scheduleNext(updated);
  }

  async function poll(jobId: number): Promise<void> {
    const job = store.pollView(jobId);
    if (!job || !job.taskId || (job.status !== 'submitted' && job.status !== 'timed_out')) return;
    try {
      const task = await ctx.apimart.getTask(job.taskId, { language: languageFor(job.locale) });
      onTask(job, task);
    } catch (err) {
      store.recordPollError(job.id, clock.now());
      ctx.jobLogger(job).warn('job_poll_failed', { taskId: job.taskId, err });
      const updated = applyTimeout(store.pollView(job.id) ?? job);
      scheduleNext(updated, err instanceof ApimartHttpError ? err.retryAfterMs : undefined);
    }
  }

  return {
    /** `spreadMs` staggers the first poll, so thousands of jobs resumed together do not poll in one instant. */
    track(job: PollJob, spreadMs = 0): void {
      scheduleNext(job, undefined, spreadMs);
    },
    pollNow: poll,
  };
}

export type JobPoller = ReturnType<typeof createJobPoller>;
