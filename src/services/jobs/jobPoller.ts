import type { Job, PollJob } from '../../db/job.ts';
import { languageFor, messagesFor } from '../../i18n/messages.ts';
import { ApimartHttpError } from '../apimart/errors.ts';
import type { TaskStatus } from '../apimart/client.ts';
import type { JobContext } from './jobContext.ts';
import { nextPollDelayMs } from './pollSchedule.ts';
import { createConcurrencyLimit } from './concurrencyLimit.ts';
import { failureText } from '../status/statusText.ts';
import { latePollingEndsAt } from '../spend/resolvable.ts';

function failureCodeOf(task: TaskStatus): 'moderation' | 'provider_failed' {
  const text = `${task.error?.type ?? ''} ${String(task.error?.code ?? '')} ${task.error?.message ?? ''}`.toLowerCase();
  return /moderat|policy|safety|sentinel|blocked/.test(text) ? 'moderation' : 'provider_failed';
}

const hintIntervalMs = 2_000;
/**
 * Each poll in flight holds a socket. Tens of thousands of jobs due together (a restart, a slow provider)
 * would otherwise open one each and run out of file descriptors; the rest wait their turn in order.
 */
const maxPollsInFlight = 64;

/** Follows submitted jobs with GET /v1/tasks/{id} on the schedule of `pollSchedule`. */
export function createJobPoller(ctx: JobContext) {
  const { store, clock, settings } = ctx;
  const pollSlot = createConcurrencyLimit(maxPollsInFlight);
  let stopped = false;
  const bounds = { minIntervalMs: settings.pollMinIntervalMs, maxIntervalMs: settings.pollMaxIntervalMs };
  /** Per job, in memory: the last time its task was seen in the provider's queue, and whether it still was. */
  const queueSeen = new Map<number, { queued: boolean; atMs: number }>();
  /** Per job: when a callback last caused a poll, and when the poll a later callback asked for is due. */
  const lastHintPollAtMs = new Map<number, number>();
  const hintDueAtMs = new Map<number, number>();
  const forget = (jobId: number) => {
    queueSeen.delete(jobId);
    lastHintPollAtMs.delete(jobId);
    hintDueAtMs.delete(jobId);
    ctx.push?.forget(jobId);
  };

  function scheduleNext(job: PollJob, retryAfterMs?: number, spreadMs = 0): void {
    const now = clock.now();
    const submittedAt = job.submittedAt ?? job.updatedAt;
    if (job.status === 'timed_out' && now > latePollingEndsAt(job, settings)) {
      ctx.jobLogger(job).warn('job_late_polling_stopped', { taskId: job.taskId });
      // The card promised to keep checking until now: it must say that it stopped.
      void ctx.status.refresh(job.id);
      return;
    }
    const queue = queueSeen.get(job.id);
    const delayMs = nextPollDelayMs({
      nowMs: now, submittedAtMs: submittedAt, estimatedTimeSec: job.estimatedTimeSec, progress: job.progress,
      consecutiveErrors: job.pollErrors, retryAfterMs,
      providerQueued: queue?.queued, runStartBoundMs: queue?.atMs, expectsCallback: ctx.push?.expectsCallbacks(job.id),
    }, bounds);
    const slowed = job.status === 'timed_out' ? Math.max(delayMs, settings.pollMaxIntervalMs) : delayMs;
    // A callback's deferred poll stays due however the regular schedule moves.
    const hintDueAt = hintDueAtMs.get(job.id);
    const finalDelay = hintDueAt !== undefined ? Math.min(slowed, Math.max(0, hintDueAt - now)) : slowed + Math.random() * spreadMs;
    ctx.schedule(job.id, finalDelay, () => poll(job.id));
  }

  async function applyTimeout(job: PollJob): Promise<PollJob> {
    const submittedAt = job.submittedAt ?? job.updatedAt;
    if (job.status !== 'submitted' || clock.now() < submittedAt + settings.jobTimeoutMs) return job;
    const timedOut = await store.markTimedOut(job.id, clock.now());
    if (!timedOut) return job;
    ctx.jobLogger(job).warn('job_timed_out', { taskId: job.taskId, reservedMicros: job.estimateMicros });
    void ctx.status.refresh(job.id);
    ctx.slotFreed();
    return timedOut;
  }

  async function onTask(job: PollJob, task: TaskStatus): Promise<void> {
    const now = clock.now();
    if (task.state === 'completed' || task.state === 'failed' || task.state === 'cancelled') forget(job.id);
    const seen = queueSeen.get(job.id);
    if (task.state === 'pending' || task.state === 'submitted') queueSeen.set(job.id, { queued: true, atMs: now });
    else if (seen?.queued) seen.queued = false;
    if (task.state === 'completed' && task.videoUrl) {
      const completed = await store.completeTask(job.id, {
        videoUrl: task.videoUrl, videoExpiresAt: task.videoExpiresAtMs ?? null, costMicros: task.costMicros ?? null,
      }, now);
      if (!completed) return;
      ctx.jobLogger(job).info('job_completed', {
        taskId: job.taskId, costMicros: completed.costMicros, estimateMicros: completed.estimateMicros,
        // What the price table got wrong for this job: the reported cost minus the estimate.
        costReported: task.costMicros !== undefined, costMinusEstimateMicros: (completed.costMicros ?? completed.estimateMicros) - completed.estimateMicros,
      });
      if (job.status === 'submitted') ctx.slotFreed();
      ctx.deliver(completed);
      return;
    }
    if (task.state === 'completed' || task.state === 'failed' || task.state === 'cancelled') {
      const code = task.state === 'completed' ? 'no_video' : failureCodeOf(task);
      const failed = await store.failTask(job.id, code, task.error?.message ?? task.rawStatus, now);
      if (!failed) return;
      ctx.jobLogger(job).warn('job_failed', { taskId: job.taskId, code, providerError: task.error });
      if (job.status === 'submitted') ctx.slotFreed();
      void ctx.status.refresh(job.id);
      const m = messagesFor(job.locale);
      void ctx.notifyUser(failed, m.failedNotice(failed.userId, failed.id, failureText(m, code)));
      return;
    }
    // The written row comes back from the update: a poll reads the job once and parses no request.
    const updated = await applyTimeout(await store.recordProgress(job.id, task.progress, task.estimatedTimeSec ?? null, now) ?? job);
    void ctx.status.refresh(job.id);
    scheduleNext(updated);
  }

  function poll(jobId: number): Promise<void> {
    // A poll still waiting for a slot at shutdown is dropped: the next start resumes its job.
    return pollSlot(() => (stopped ? Promise.resolve() : pollOnce(jobId)));
  }

  async function pollOnce(jobId: number): Promise<void> {
    const job = await store.pollView(jobId);
    if (!job || !job.taskId || (job.status !== 'submitted' && job.status !== 'timed_out')) return;
    // Any poll answers the callbacks that came before it.
    if (hintDueAtMs.delete(jobId)) lastHintPollAtMs.set(jobId, clock.now());
    let task: TaskStatus;
    try {
      task = await ctx.apimart.getTask(job.taskId, { language: languageFor(job.locale) });
    } catch (err) {
      await store.recordPollError(job.id, clock.now());
      ctx.jobLogger(job).warn('job_poll_failed', { taskId: job.taskId, err });
      const updated = await applyTimeout(await store.pollView(job.id) ?? job);
      scheduleNext(updated, err instanceof ApimartHttpError ? err.retryAfterMs : undefined);
      return;
    }
    try {
      await onTask(job, task);
    } catch (err) {
      // The provider answered; the database refused what the bot made of it. That is a bug in the bot,
      // and the same answer would be refused again on every poll, so the job stops here (a restart
      // resumes it) instead of polling forever as if the provider were failing.
      ctx.jobLogger(job).error('store_error', { taskId: job.taskId, taskState: task.state, err });
    }
  }

  return {
    /** Polls waiting for a slot are dropped; those already asking the provider finish. */
    stop(): void {
      stopped = true;
    },
    /** `spreadMs` staggers the first poll, so thousands of jobs resumed together do not poll in one instant. */
    track(job: PollJob, spreadMs = 0): void {
      scheduleNext(job, undefined, spreadMs);
    },
    pollNow: poll,
    /**
     * The provider called back about this job's task: poll it now, or, when a callback already caused
     * a poll moments ago, once that interval ends. A flood of callbacks, genuine or forged, costs at
     * most one poll per task per interval, and a genuine one that arrives inside it is not lost.
     */
    hint(job: Job): boolean {
      if (job.status !== 'submitted' && job.status !== 'timed_out') return false;
      if (hintDueAtMs.has(job.id)) return false;
      const now = clock.now();
      const at = Math.max(now, (lastHintPollAtMs.get(job.id) ?? -Infinity) + hintIntervalMs);
      hintDueAtMs.set(job.id, at);
      ctx.schedule(job.id, at - now, () => poll(job.id));
      return true;
    },
  };
}

export type JobPoller = ReturnType<typeof createJobPoller>;
