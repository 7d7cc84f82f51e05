import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { ApimartHttpError, effectiveStatus, isProviderUnavailable, submitOutcomeUnknown, submitWasRefused } from '../apimart/errors.ts';
import { isModelGoneAnswer } from '../apimart/modelHealth.ts';
import type { JobContext } from './jobContext.ts';
import { checkReferenceImage } from './referenceImage.ts';

const imageCheckTimeoutMs = 5_000;
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

function rejectionCode(err: ApimartHttpError): 'moderation' | 'provider_rejected' {
  const text = `${err.type ?? ''} ${String(err.code ?? '')}`.toLowerCase();
  return /moderat|policy|safety|sentinel|content/.test(text) ? 'moderation' : 'provider_rejected';
}

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

  /** False when the job was failed here because its reference image is not one. */
  async function imageUsable(job: Job): Promise<boolean> {
    const url = job.settings.imageUrl;
    if (!url) return true;
    const check = await checkReferenceImage(url, ctx.fetch, imageCheckTimeoutMs);
    if (check === 'ok' || check === 'unknown') return true;
    const failed = await store.endBeforeSubmission(job.id, 'failed', 'image_unreadable', clock.now());
    ctx.jobLogger(job).warn('job_image_rejected', { check });
    if (failed) finishWithNotice(failed, (m) => m.failedNotice(failed.userId, failed.id, m.failureReasons.image_unreadable));
    return false;
  }

  async function submit(job: Job): Promise<void> {
    const log = ctx.jobLogger(job);
    void ctx.status.refresh(job.id);
    if (!(await imageUsable(job))) return;
    if (ctx.models.isOff(job.request.model)) return failModelRetired(job);
    await store.markSubmitSending(job.id, clock.now());
    try {
      const { taskId, withWebhook } = await post(job, job.idempotencyKey);
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
  async function post(job: Job, idempotencyKey: string): Promise<{ taskId: string; withWebhook: boolean }> {
    const webhook = ctx.push?.webhookField();
    try {
      return { ...await ctx.apimart.submit(job.request, { idempotencyKey, webhook }), withWebhook: webhook !== undefined };
    } catch (err) {
      if (webhook === undefined || !(err instanceof ApimartHttpError) || effectiveStatus(err) !== 400) throw err;
      const answer = await ctx.apimart.submit(job.request, { idempotencyKey });
      // Only now is the field known to be the cause: a 400 for anything else (say, a retired model) leaves push on.
      ctx.push?.refused(err);
      return { ...answer, withWebhook: false };
    }
  }

  async function handleSubmitError(job: Job, err: unknown): Promise<void> {
    const log = ctx.jobLogger(job);
    const now = clock.now();
    if (submitWasRefused(err)) {
      const retryAfterMs = err instanceof ApimartHttpError ? err.retryAfterMs : undefined;
      const retryAt = now + Math.max(retryAfterMs ?? 0, refusedBackoffMs(job.submitAttempts));
      holdUntil = Math.max(holdUntil, now + Math.max(retryAfterMs ?? 0, refusedBackoffMs(1)));
      await store.requeue(job.id, retryAt, now);
      log.warn('job_submit_refused', { err, retryAt });
      void ctx.status.refresh(job.id);
      kickAt(retryAt);
      return;
    }
    // An explicit refusal (a 4xx, or an error body sent with HTTP 200) created no task: release it.
    if (err instanceof ApimartHttpError && !submitOutcomeUnknown(err)) {
      const unavailable = isProviderUnavailable(err);
      const reason = `HTTP ${effectiveStatus(err)} ${err.type ?? ''}`.trim();
      if (unavailable && ctx.health.markUnavailable(reason)) {
        log.error('provider_unavailable', { err, reason, action: 'new submissions stopped until the provider answers again' });
        ctx.providerUnavailable();
      }
      const modelGone = !unavailable && isModelGoneAnswer(err);
      if (modelGone) noteModelGone(job);
      const code = unavailable ? 'provider_unavailable' : modelGone ? 'model_retired' : rejectionCode(err);
      const failed = await store.endBeforeSubmission(job.id, 'failed', code, now);
      log.warn('job_submit_rejected', { err, code });
      if (failed) finishWithNotice(failed, (m) => m.failedNotice(failed.userId, failed.id, m.failureReasons[code]));
      return;
    }
    // The request may have reached the provider: resending could bill twice, so an admin decides.
    const unknown = await store.markSubmitUnknown(job.id, err instanceof Error ? err.name : 'unknown', now);
    log.error('job_submit_outcome_unknown', { err, reservedMicros: job.estimateMicros });
    if (unknown) finishWithNotice(unknown, (m) => m.submitUnknownNotice(unknown.userId, unknown.id));
  }

  function noteModelGone(job: Job): void {
    const model = job.request.model;
    const { turnedOff, streak } = ctx.models.recordGone(model);
    if (turnedOff) ctx.logger.error('model_turned_off', { model, consecutiveAnswers: streak, action: '/video refuses it until restart or /video-admin resume' });
  }

  /** A queued job for a model turned off meanwhile: sending it would only be refused again. */
  async function failModelRetired(job: Job): Promise<void> {
    const failed = await store.endBeforeSubmission(job.id, 'failed', 'model_retired', clock.now());
    ctx.jobLogger(job).warn('job_model_turned_off', { model: job.request.model });
    if (failed) finishWithNotice(failed, (m) => m.failedNotice(failed.userId, failed.id, m.failureReasons.model_retired));
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
