import type { Job } from '../../db/job.ts';
import type { VideoGenerationRequest } from '../../videoGenerationRequest.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { ApimartHttpError, effectiveStatus } from '../apimart/errors.ts';
import { classifySubmitFailure } from './submitFailure.ts';
import type { JobContext } from './jobContext.ts';
import { withReferenceImageUrl } from '../../models/referenceImageField.ts';
import { referenceImageUrl } from './referenceImages.ts';

/**
 * Submissions on the wire at once. A burst of a thousand accepted jobs then reaches the provider as
 * a steady stream instead of a thousand simultaneous connections and a thousand back-to-back fsyncs
 * that would stall the event loop (and with it every acknowledgement still to be sent).
 */
const maxParallelPosts = 8;
const queuePositionsShown = 50;
const queuePositionsEveryMs = 1_000;
/** Scheduler keys of the submitter's own timers (job ids start at 1; the provider probe uses -1). */
const queuePositionsTimerKey = -2;
/** The scheduler key of the queue's own wake-up timer (job ids start at 1). */
const queueTimerKey = 0;
const refusedBackoffMs = (attempt: number) => Math.min(60_000, 2_000 * 2 ** Math.max(0, attempt - 1));

/** Moves queued jobs to the provider while `MAX_CONCURRENT_JOBS` allows, one POST per job. */
export function createJobSubmitter(ctx: JobContext) {
  const { store, clock } = ctx;
  let wakeAt: number | null = null;
  /** A 429 is about the account, not one job: no job is sent before its Retry-After has passed. */
  let holdUntil = 0;
  let postsInFlight = 0;
  let positionsPending = false;
  /** A claim loop is running; a kick meanwhile sets `kickAgain` so the loop runs once more after it. */
  let claiming = false;
  let kickAgain = false;

  /**
   * The request as it goes out: with the link for its reference image that works now (Discord's while
   * fresh, else the provider's upload of the kept bytes). Undefined when the job was ended or put back here.
   */
  async function requestToSend(job: Job): Promise<VideoGenerationRequest | undefined> {
    const image = await ctx.images.forSubmit(job);
    switch (image.kind) {
      case 'none': return job.request;
      case 'send': return withReferenceImageUrl(job.request, image.url);
      case 'later':
        ctx.jobLogger(job).warn('job_image_not_ready', { err: image.err });
        await requeueLater(job, clock.now() + refusedBackoffMs(job.submitAttempts));
        return undefined;
      case 'provider_unavailable':
        await handleSubmitError(job, image.err);
        return undefined;
      case 'unreadable':
        await failUnsent(job, 'image_unreadable', 'job_image_rejected', { reason: image.reason });
        return undefined;
    }
  }

  async function submit(job: Job): Promise<void> {
    const log = ctx.jobLogger(job);
    void ctx.status.refresh(job.id);
    // A text job goes straight on: no turn of the event loop between its claim and its POST.
    const request = referenceImageUrl(job) ? await requestToSend(job) : job.request;
    if (!request) return;
    // A model turned off meanwhile: sending it would only be refused again.
    if (ctx.models.isOff(job.request.model)) return failUnsent(job, 'model_retired', 'job_model_turned_off', { model: job.request.model });
    await store.markSubmitSending(job.id, clock.now());
    try {
      const { taskId, withWebhook } = await post(job, request, job.idempotencyKey);
      ctx.models.recordAccepted(job.request.model);
      const submitted = await store.recordSubmitted(job.id, taskId, clock.now());
      if (withWebhook) ctx.push?.expectCallbacks(job.id);
      log.info('job_submitted', { taskId });
      if (submitted) ctx.startPolling(submitted);
      return;
    } catch (err) {
      await handleSubmitError(job, err);
    }
  }

  /**
   * One POST, carrying the webhook when push is on. A 400 to that means nothing was accepted, and the
   * field may be the cause: the same request is sent once more without it, and if that is accepted,
   * the field is never sent again.
   */
  async function post(job: Job, request: VideoGenerationRequest, idempotencyKey: string): Promise<{ taskId: string; withWebhook: boolean }> {
    const webhook = ctx.push?.webhookField();
    try {
      return { ...await ctx.apimart.submit(request, { idempotencyKey, webhook }), withWebhook: webhook !== undefined };
    } catch (err) {
      if (webhook === undefined || !(err instanceof ApimartHttpError) || effectiveStatus(err) !== 400) throw err;
      const answer = await ctx.apimart.submit(request, { idempotencyKey });
      // Only now is the field known to be the cause: a 400 for anything else (say, a retired model) leaves push on.
      ctx.push?.refused(err);
      return { ...answer, withWebhook: false };
    }
  }

  async function handleSubmitError(job: Job, err: unknown): Promise<void> {
    const log = ctx.jobLogger(job);
    const now = clock.now();
    const failure = classifySubmitFailure(err);
    if (failure.kind === 'refused') {
      const retryAt = now + Math.max(failure.retryAfterMs ?? 0, refusedBackoffMs(job.submitAttempts));
      holdUntil = Math.max(holdUntil, now + Math.max(failure.retryAfterMs ?? 0, refusedBackoffMs(1)));
      log.warn('job_submit_refused', { err, retryAt });
      await requeueLater(job, retryAt);
      return;
    }
    if (failure.kind === 'rejected') {
      const { code, unavailableReason: reason } = failure;
      if (reason && ctx.health.markUnavailable(reason)) {
        log.error('provider_unavailable', { err, reason, action: 'new submissions stopped until the provider answers again' });
        ctx.providerUnavailable();
      }
      if (failure.modelGone) noteModelGone(job);
      const failed = await store.endBeforeSubmission(job.id, 'failed', code, now);
      log.warn('job_submit_rejected', { err, code });
      if (failed) finishWithNotice(failed, (m) => m.failedNotice(failed.userId, failed.id, m.failureReasons[code]));
      return;
    }
    const unknown = await store.markSubmitUnknown(job.id, err instanceof Error ? err.name : 'unknown', now);
    log.error('job_submit_outcome_unknown', { err, reservedMicros: job.estimateMicros });
    if (unknown) finishWithNotice(unknown, (m) => m.submitUnknownNotice(unknown.userId, unknown.id));
  }

  /** Nothing was sent: the job waits in the queue until `retryAt`. */
  async function requeueLater(job: Job, retryAt: number): Promise<void> {
    await store.requeue(job.id, retryAt, clock.now());
    void ctx.status.refresh(job.id);
    kickAt(retryAt);
  }

  function noteModelGone(job: Job): void {
    const model = job.request.model;
    const { turnedOff, streak } = ctx.models.recordGone(model);
    if (turnedOff) ctx.logger.error('model_turned_off', { model, consecutiveAnswers: streak, action: '/video refuses it until restart or /video-admin resume' });
  }

  /** Ends a job that was never sent, telling its requester why (a failure reason of the catalog's). */
  async function failUnsent(job: Job, code: 'image_unreadable' | 'model_retired', event: string, fields: Record<string, unknown>): Promise<void> {
    const failed = await store.endBeforeSubmission(job.id, 'failed', code, clock.now());
    ctx.jobLogger(job).warn(event, fields);
    if (failed) finishWithNotice(failed, (m) => m.failedNotice(failed.userId, failed.id, m.failureReasons[code]));
  }

  function finishWithNotice(job: Job, text: (m: ReturnType<typeof messagesFor>) => string): void {
    void ctx.status.refresh(job.id);
    void ctx.notifyUser(job, text(messagesFor(job.locale)));
    ctx.slotFreed();
  }

  function kickAt(at: number): void {
    if (wakeAt !== null && wakeAt <= at) return;
    wakeAt = at;
    ctx.schedule(queueTimerKey, Math.max(0, at - clock.now()), () => {
      wakeAt = null;
      kick();
    });
  }

  /**
   * The queue moved: the jobs still waiting show their new positions (the first few, which move
   * soonest), once per second at most however fast the queue drains.
   */
  function showQueuePositionsSoon(): void {
    if (positionsPending) return;
    positionsPending = true;
    ctx.schedule(queuePositionsTimerKey, queuePositionsEveryMs, async () => {
      positionsPending = false;
      for (const id of await store.firstQueuedJobIds(queuePositionsShown)) void ctx.status.refresh(id);
    });
  }

  /**
   * One claim loop at a time: the claims are awaited, and two loops interleaving would each see
   * `postsInFlight` below the bound and together put more than `parallelPosts` on the wire.
   */
  function kick(): void {
    if (claiming) {
      kickAgain = true;
      return;
    }
    claiming = true;
    ctx.track(claimWhileFree().finally(() => {
      claiming = false;
      if (!kickAgain) return;
      kickAgain = false;
      kick();
    }));
  }

  async function claimWhileFree(): Promise<void> {
    if (!ctx.health.isAvailable()) return;
    // While a burst of commands is being acknowledged, submissions trickle (one at a time) so they
    // do not compete with it; the burst's own follow-up work kicks again once it is over.
    const parallelPosts = ctx.acknowledging() ? 1 : maxParallelPosts;
    // One reading of the clock for the claims and the wake-up below: a retry that falls due between
    // two readings would be neither claimed nor given a timer, and would wait until something else kicks.
    const now = clock.now();
    if (now < holdUntil) return kickAt(holdUntil);
    let claimed = false;
    while (postsInFlight < parallelPosts) {
      const job = await store.claimForSubmission(ctx.settings.maxConcurrentJobs, now);
      if (!job) break;
      claimed = true;
      postsInFlight++;
      ctx.track(submit(job).finally(() => {
        postsInFlight--;
        kick();
      }));
    }
    if (claimed) showQueuePositionsSoon();
    // A due job left in the queue waits for a free slot (slotFreed kicks); only future retries need a timer.
    const nextRetry = await store.earliestQueuedRetryAt();
    if (nextRetry !== null && nextRetry > now) kickAt(nextRetry);
  }

  return { kick };
}

export type JobSubmitter = ReturnType<typeof createJobSubmitter>;
