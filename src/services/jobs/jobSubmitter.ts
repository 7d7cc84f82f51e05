import type { Job } from '../../db/job.ts';
import type { VideoGenerationRequest } from '../../videoGenerationRequest.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { ApimartHttpError } from '../apimart/errors.ts';
import { effectiveStatus } from '../apimart/errorVerdicts.ts';
import { classifySubmitFailure } from './submitFailure.ts';
import type { JobContext } from './jobContext.ts';
import { withReferenceImageUrl } from '../../models/referenceImageField.ts';
import { referenceImageUrl } from './referenceImages.ts';

const refusedBackoffMs = (attempt: number) => Math.min(60_000, 2_000 * 2 ** Math.max(0, attempt - 1));

/** What one submission tells the queue it came from (submissionQueue.ts). */
export interface SubmissionHooks {
  /** The provider refused for the account (429): no job is sent before `until`. */
  accountRefused(until: number): void;
  /** A job was put back in the queue, due at `at`. */
  wakeAt(at: number): void;
}

/**
 * One claimed job's way to the provider: one POST, and what its answer means for the job. A POST
 * whose answer was lost is never sent again (the job is marked so, for an admin to resolve).
 */
export function createJobSubmitter(ctx: JobContext, queue: SubmissionHooks) {
  const { store, clock } = ctx;

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
    // Another process took the job over (its quarantine ran after a stall of this one): it is not ours to send.
    if (!(await store.markSubmitSending(job.id, clock.now()))) return;
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
      queue.accountRefused(now + Math.max(failure.retryAfterMs ?? 0, refusedBackoffMs(1)));
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
    queue.wakeAt(retryAt);
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

  return { submit };
}

export type JobSubmitter = ReturnType<typeof createJobSubmitter>;
