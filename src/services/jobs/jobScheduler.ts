import type { Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { Logger } from '../../logger.ts';
import type { ApimartClient } from '../apimart/client.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { DiscordMessenger, SentMessage } from '../discord/discordMessenger.ts';
import type { JobContext, JobSettings } from './jobContext.ts';
import { createJobDelivery } from './jobDelivery.ts';
import { createJobPoller } from './jobPoller.ts';
import { createJobSubmitter } from './jobSubmitter.ts';
import { createModelHealth, type ModelHealth } from '../apimart/modelHealth.ts';
import type { ProviderHealth } from '../apimart/providerHealth.ts';
import { createQuietBatcher } from './quietBatcher.ts';
import type { TaskPush } from './taskPush.ts';
import type { StatusPayload, StatusUpdater } from '../status/statusUpdater.ts';

export interface JobSchedulerDeps {
  store: JobStore;
  apimart: ApimartClient;
  messenger: DiscordMessenger;
  status: StatusUpdater;
  health: ProviderHealth;
  models?: ModelHealth;
  clock: Clock;
  logger: Logger;
  settings: JobSettings;
  fetch?: typeof fetch;
  fetchVideo?: typeof fetch;
  push?: TaskPush;
  healthProbeIntervalMs?: number;
  botUserId?: () => string | undefined;
  /** How long a burst of new jobs must pause before their follow-up work starts. */
  acceptQuietMs?: number;
  onResultPosted?: (job: Job, message: SentMessage, content: string) => Promise<void>;
}

/** Resumed jobs' first polls are spread over this much time per job (capped at the max poll interval). */
const resumeSpreadPerJobMs = 3;

/**
 * Owns every timer of the job pipeline (confirmation deadlines, queue retries, polls, delivery
 * retries) and resumes all unfinished jobs from the database at start.
 */
export function createJobScheduler(deps: JobSchedulerDeps) {
  const { store, clock, logger } = deps;
  const timers = new Map<number, TimerHandle>();
  /** Jobs this instance quarantined at start: a stalled previous instance may still store their task id. */
  const quarantinedIds = new Set<number>();
  const inFlight = new Set<Promise<void>>();
  /** Jobs accepted whose follow-up has not yet decided between the confirmation timer and the queue. */
  const awaitingFollowUp = new Set<number>();
  let stopped = false;
  /** While held (at start, until every job's server and channel are known to exist), nothing is submitted. */
  let submissionsHeld = false;
  const kickSubmitter = () => {
    if (!submissionsHeld) submitter.kick();
  };

  const track = (work: Promise<void>) => {
    const tracked = work.catch((err) => logger.error('job_step_crashed', { err })).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const probeIntervalMs = deps.healthProbeIntervalMs ?? 60_000;
  /** Timer keys: job ids are positive; the queue uses 0 and the provider probe this one. */
  const probeTimerKey = -1;

  const schedule = (key: number, delayMs: number, step: () => Promise<void> | void) => {
    const previous = timers.get(key);
    if (previous) clock.clearTimeout(previous);
    if (stopped) return;
    timers.set(key, clock.setTimeout(() => {
      timers.delete(key);
      if (stopped) return;
      track(Promise.resolve().then(step));
    }, delayMs));
  };

  const ctx: JobContext = {
    ...deps,
    models: deps.models ?? createModelHealth({ clock }),
    fetch: deps.fetch ?? fetch,
    fetchVideo: deps.fetchVideo ?? deps.fetch ?? fetch,
    botUserId: () => deps.botUserId?.(),
    schedule,
    track,
    acknowledging: () => afterAcknowledgements.hasPending(),
    slotFreed: () => kickSubmitter(),
    startPolling: (job) => poller.track(job),
    deliver: (job) => track(delivery.deliver(job.id)),
    resultPosted: (job, message, content) => deps.onResultPosted?.(job, message, content) ?? Promise.resolve(),
    providerUnavailable: () => schedule(probeTimerKey, probeIntervalMs, probeProvider),
    async notifyUser(job, content) {
      try {
        // The job's channel or server is gone: the requester hears about it privately.
        if (job.placeGone !== null) await deps.messenger.dm(job.userId, { content });
        else await deps.messenger.send(job.channelId, { content, mentionUserIds: [job.userId], replyToMessageId: job.statusMessageId ?? undefined });
      } catch (err) {
        logger.warn('user_notice_failed', { jobId: job.id, userId: job.userId, err });
      }
    },
    jobLogger: (job) => logger.child({ jobId: job.id, userId: job.userId }),
  };
  const afterAcknowledgements = createQuietBatcher(clock, deps.acceptQuietMs ?? 25, 5_000);
  const submitter = createJobSubmitter(ctx);
  const poller = createJobPoller(ctx);
  const delivery = createJobDelivery(ctx);

  function armConfirmation(job: Job): void {
    const deadline = job.confirmDeadlineAt ?? clock.now();
    schedule(job.id, Math.max(0, deadline - clock.now()), async () => {
      const expired = await store.endBeforeSubmission(job.id, 'expired', 'not_confirmed', clock.now());
      if (expired) {
        ctx.jobLogger(job).info('job_confirmation_expired');
        void deps.status.refresh(job.id);
      }
    });
  }

  /**
   * Read again: a ✅ may have confirmed the job (and its polls taken this timer key) during the batch.
   * A ✅ or ❌ handled while the read is on its way has decided already, and no confirmation timer
   * may then replace what it started.
   */
  async function followUp(jobId: number): Promise<void> {
    const current = await store.get(jobId);
    const undecided = awaitingFollowUp.delete(jobId);
    if (undecided && current?.status === 'awaiting_confirmation') armConfirmation(current);
    else kickSubmitter();
  }

  async function probeProvider(): Promise<void> {
    if (deps.health.isAvailable()) return;
    try {
      const balance = await deps.apimart.getBalance();
      if (balance.unlimited || balance.remainingUsd === null || balance.remainingUsd > 0) {
        deps.health.markAvailable();
        logger.info('provider_available_again');
        kickSubmitter();
        return;
      }
    } catch (err) {
      logger.warn('provider_probe_failed', { err });
    }
    schedule(probeTimerKey, probeIntervalMs, probeProvider);
  }

  return {
    /**
     * A new job row exists and its acknowledgement showed `shown`: its message is the job's status message
     * at once (controls map to it), the status is kept current, and the job starts moving.
     */
    async accept(job: Job, shown?: { payload: StatusPayload; message: SentMessage | undefined; promptBlocked?: boolean }): Promise<void> {
      if (shown) await deps.status.shown(job, shown.payload, shown.message, shown.promptBlocked);
      awaitingFollowUp.add(job.id);
      afterAcknowledgements.add(() => {
        if (stopped) return;
        void deps.status.refresh(job.id);
        track(followUp(job.id));
      });
    },
    confirmed(job: Job): void {
      awaitingFollowUp.delete(job.id);
      const timer = timers.get(job.id);
      if (timer) clock.clearTimeout(timer);
      timers.delete(job.id);
      // The claim first: the edit then shows the job started, not a queued card whose Cancel came too late.
      kickSubmitter();
      void deps.status.refresh(job.id);
    },
    cancelled(job: Job): void {
      awaitingFollowUp.delete(job.id);
      const timer = timers.get(job.id);
      if (timer) clock.clearTimeout(timer);
      timers.delete(job.id);
      void deps.status.refresh(job.id);
    },
    refreshStatus: (jobId: number) => deps.status.refresh(jobId),
    /** Another process may have freed a provider slot: try the queue again. */
    kickQueue: () => {
      if (stopped) return;
      // A read first: the claim takes the write lock, which other processes would then wait for.
      track(store.firstQueuedJobIds(1).then((ids) => {
        if (ids.length > 0) submitter.kick();
      }));
    },
    /** A provider callback named this task: poll it now if it is one of ours and still running. */
    taskHint(taskId: string): void {
      track(store.jobByTaskId(taskId).then((job) => {
        if (job && poller.hint(job)) ctx.jobLogger(job).debug('job_poll_on_callback', { taskId });
      }));
    },
    sendResultByDm: (job: Job, userId: string) => delivery.sendCopy(job, userId),
    /** Picks every unfinished job up again; nothing that may have reached the provider is resent. */
    async resume(): Promise<{ resumed: number; quarantined: Job[] }> {
      const now = clock.now();
      const quarantined = await store.quarantineInterruptedSubmissions(now);
      for (const job of quarantined) {
        quarantinedIds.add(job.id);
        ctx.jobLogger(job).error('job_submit_outcome_unknown', { reason: 'process stopped during submission', reservedMicros: job.estimateMicros });
        // Tell the requester, as a live submit whose answer was lost does (jobSubmitter), and show it on the status.
        void deps.status.refresh(job.id);
        track(ctx.notifyUser(job, messagesFor(job.locale).submitUnknownNotice(job.userId, job.id)));
      }
      const jobs = await store.unfinishedJobs();
      const resumeSpreadMs = Math.min(deps.settings.pollMaxIntervalMs, jobs.length * resumeSpreadPerJobMs);
      for (const job of jobs) {
        if (job.status === 'awaiting_confirmation') armConfirmation(job);
        else if (job.status === 'submitted' || job.status === 'timed_out') poller.track(job, resumeSpreadMs);
        else if (job.status === 'completed') ctx.deliver(job);
      }
      kickSubmitter();
      if (!deps.health.isAvailable()) schedule(probeTimerKey, probeIntervalMs, probeProvider);
      return { resumed: jobs.length, quarantined };
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
        if (!job || job.status !== 'submitted' || timers.has(id)) continue;
        ctx.jobLogger(job).warn('job_late_task_id_adopted', { taskId: job.taskId });
        poller.track(job);
      }
    },
    /** Nothing goes to the provider until releaseSubmissions(): start-up checks first that jobs still have a place. */
    holdSubmissions(): void {
      submissionsHeld = true;
    },
    releaseSubmissions(): void {
      submissionsHeld = false;
      kickSubmitter();
    },
    /** Stops scheduling and waits (up to `graceMs`) for steps already talking to the provider or Discord. */
    async stop(graceMs = 5_000): Promise<void> {
      stopped = true;
      afterAcknowledgements.stop();
      poller.stop();
      for (const timer of timers.values()) clock.clearTimeout(timer);
      timers.clear();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.allSettled([...inFlight, deps.status.stop()]), grace]);
    },
    pendingTimers: () => timers.size,
  };
}

export type JobScheduler = ReturnType<typeof createJobScheduler>;
