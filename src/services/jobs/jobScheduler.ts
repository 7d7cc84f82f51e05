import type { Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Logger } from '../../logger.ts';
import type { ApimartClient } from '../apimart/client.ts';
import type { Clock } from '../../clock.ts';
import type { DiscordMessenger, SentMessage } from '../discord/discordMessenger.ts';
import type { JobContext, JobSettings } from './jobContext.ts';
import { createJobDelivery } from './jobDelivery.ts';
import { createJobTimers } from './jobTimers.ts';
import { createJobPoller } from './jobPoller.ts';
import { createJobResume } from './jobResume.ts';
import type { AllowLists } from './placeGates.ts';
import { createPlaceWithdrawals } from './placeWithdrawals.ts';
import { createSubmissionQueue } from './submissionQueue.ts';
import { createUserNotices, type DmNotice } from './userNotices.ts';
import { createModelHealth, type ModelHealth } from '../apimart/modelHealth.ts';
import type { ProviderHealth } from '../apimart/providerHealth.ts';
import { createQuietBatcher } from './quietBatcher.ts';
import type { TaskPush } from './taskPush.ts';
import type { StatusPayload, StatusUpdater } from '../status/statusUpdater.ts';
import { discordCdnOrigins } from './referenceImage.ts';
import { createReferenceImages, referenceImageUrl } from './referenceImages.ts';

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
  fetchAttachment?: typeof fetch;
  /** Where reference images may be fetched from (Discord's CDN, by default). */
  imageOrigins?: readonly string[];
  push?: TaskPush;
  healthProbeIntervalMs?: number;
  /** ALLOWED_GUILD_IDS and ALLOWED_CHANNEL_IDS; none given: every place is allowed. */
  allowLists?: AllowLists;
  /** DMs that wait out Discord's 40003 (directMessages.ts); without it, a DM is tried once. */
  dmNotice?: DmNotice;
  botUserId?: () => string | undefined;
  /** How long a burst of new jobs must pause before their follow-up work starts. */
  acceptQuietMs?: number;
  /** Commands still waiting for their first answer: follow-up work waits for them too. */
  answersPending?: () => number;
  onResultPosted?: (job: Job, message: SentMessage, content: string) => Promise<void>;
}

/**
 * Owns every timer of the job pipeline (confirmation deadlines, queue retries, polls, delivery
 * retries) and resumes all unfinished jobs from the database at start.
 */
export function createJobScheduler(deps: JobSchedulerDeps) {
  const { store, clock, logger } = deps;
  const timers = createJobTimers(clock, logger);
  /** Jobs accepted whose follow-up has not yet decided between the confirmation timer and the queue. */
  const awaitingFollowUp = new Set<number>();
  let stopped = false;

  const { schedule, track } = timers;
  const notifyUser = createUserNotices({ messenger: deps.messenger, dmNotice: deps.dmNotice, logger });

  const ctx: JobContext = {
    ...deps,
    models: deps.models ?? createModelHealth({ clock }),
    fetch: deps.fetch ?? fetch,
    fetchVideo: deps.fetchVideo ?? deps.fetch ?? fetch,
    fetchAttachment: deps.fetchAttachment ?? deps.fetch ?? fetch,
    images: createReferenceImages({
      store, apimart: deps.apimart, clock, logger, fetch: deps.fetch ?? fetch, allowedOrigins: deps.imageOrigins ?? discordCdnOrigins,
    }),
    botUserId: () => deps.botUserId?.(),
    schedule,
    track,
    acknowledging: () => afterAcknowledgements.hasPending(),
    slotFreed: () => submissions.kick(),
    startPolling: (job) => poller.track(job),
    deliver: (job) => track(delivery.deliver(job.id)),
    resultPosted: (job, message, content) => deps.onResultPosted?.(job, message, content) ?? Promise.resolve(),
    providerUnavailable: () => submissions.probeProviderLater(),
    notifyUser,
    jobLogger: (job) => logger.child({ jobId: job.id, userId: job.userId }),
  };
  const afterAcknowledgements = createQuietBatcher(clock, deps.acceptQuietMs ?? 25, 5_000, () => (deps.answersPending?.() ?? 0) > 0);
  const withdrawals = createPlaceWithdrawals({
    store, clock, logger, notify: notifyUser,
    allowLists: deps.allowLists ?? { allowedGuildIds: [], allowedChannelIds: [] },
    ended: (job) => void deps.status.refresh(job.id),
  });
  const submissions = createSubmissionQueue(ctx, { withdrawals, probeIntervalMs: deps.healthProbeIntervalMs ?? 60_000 });
  const poller = createJobPoller(ctx);
  const delivery = createJobDelivery(ctx);
  const restart = createJobResume({
    ctx, withdrawals, submissions, armConfirmation: (job) => armConfirmation(job),
    poll: (job, spreadMs) => poller.track(job, spreadMs), isScheduled: timers.isScheduled,
  });

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
    else submissions.kick();
    // Discord's link to the attachment lasts about a day: the bytes are kept now, while it works.
    if (current && referenceImageUrl(current) && !current.imageSha256) await ctx.images.keep(current);
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
      timers.cancel(job.id);
      // The claim first: the edit then shows the job started, not a queued card whose Cancel came too late.
      submissions.kick();
      void deps.status.refresh(job.id);
    },
    cancelled(job: Job): void {
      awaitingFollowUp.delete(job.id);
      timers.cancel(job.id);
      void deps.status.refresh(job.id);
    },
    refreshStatus: (jobId: number) => deps.status.refresh(jobId),
    /** Another process may have freed a provider slot: try the queue again. */
    kickQueue: () => {
      if (stopped) return;
      // A read first: the claim takes the write lock, which other processes would then wait for.
      track(store.firstQueuedJobIds(1).then((ids) => {
        if (ids.length > 0) submissions.kick();
      }));
    },
    /** A provider callback named this task: poll it now if it is one of ours and still running. */
    taskHint(taskId: string): void {
      track(store.jobByTaskId(taskId).then((job) => {
        if (job && poller.hint(job)) ctx.jobLogger(job).debug('job_poll_on_callback', { taskId });
      }));
    },
    sendResultByDm: (job: Job, userId: string) => delivery.sendCopy(job, userId),
    /** Picks every unfinished job up again (jobResume.ts). */
    resume: () => restart.resume(),
    adoptLateTaskIds: () => restart.adoptLateTaskIds(),
    /** Nothing goes to the provider until releaseSubmissions(): start-up checks first that jobs still have a place. */
    holdSubmissions: () => submissions.hold(),
    releaseSubmissions: () => submissions.release(),
    /** Stops scheduling and waits (up to `graceMs`) for steps already talking to the provider or Discord. */
    async stop(graceMs = 5_000): Promise<void> {
      stopped = true;
      timers.stop();
      afterAcknowledgements.stop();
      poller.stop();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.allSettled([...timers.running(), deps.status.stop()]), grace]);
    },
    pendingTimers: timers.pending,
  };
}

export type JobScheduler = ReturnType<typeof createJobScheduler>;
