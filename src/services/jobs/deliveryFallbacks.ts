import type { Job } from '../../db/job.ts';
import type { DeliveryProblem } from '../../i18n/deliveryMessages.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { isDmThrottled } from '../discord/directMessages.ts';
import { classifyDiscordError } from '../discord/discordFaults.ts';
import type { ChannelMessage } from '../discord/discordMessenger.ts';
import type { JobContext } from './jobContext.ts';
import type { Posted, ResultPayload, ResultPoster } from './resultPoster.ts';

/** Places that are gone for the bot: no point in a link there either. */
const placeGone: readonly string[] = ['thread_locked', 'thread_archived', 'channel_deleted', 'bot_removed'];

export interface DeliveryFallbackParts {
  poster: ResultPoster;
  finish(job: Job, posted: Posted, problem: DeliveryProblem | null): Promise<void>;
  expire(job: Job): Promise<void>;
  /** An earlier attempt's post of this result, if one can be found; throws while the places cannot be read. */
  earlierPost(job: Job): Promise<ChannelMessage | undefined>;
  forget(jobId: number): void;
  /** The job's delivery is tried again after the longest retry delay. */
  retryLater(job: Job): void;
  /** Failed attempts after which a result whose earlier post cannot be ruled out ends undeliverable. */
  maxLookupAttempts: number;
}

/**
 * Where a result goes when its channel will not take it, or when the attempts ran out: the requester's
 * DMs, a bare link, and as the very last word, undeliverable (still settled: the provider billed it).
 * Never for DMs that Discord only holds back for a while (40003): those are tried again later.
 */
export function createDeliveryFallbacks(ctx: JobContext, parts: DeliveryFallbackParts) {
  const { store, clock } = ctx;
  const { poster, finish, expire, earlierPost, forget } = parts;

  async function undeliverable(job: Job, problem: DeliveryProblem): Promise<void> {
    forget(job.id);
    if (!await store.markUndeliverable(job.id, problem, clock.now())) return;
    ctx.jobLogger(job).error('job_undeliverable', { problem, taskId: job.taskId });
    // The status message is the notice: it is the one place left that may still show it.
    void ctx.status.refresh(job.id);
  }

  /** The channel will not take the result: the requester's DMs, else a link where allowed, else nowhere. */
  async function deliverElsewhere(job: Job, payload: ResultPayload, problem: DeliveryProblem): Promise<void> {
    const m = messagesFor(job.locale);
    const why = m.delivery.problem[problem];
    ctx.jobLogger(job).warn('result_channel_unavailable', { problem });
    try {
      return await finish(job, await poster.inDm(job, payload, m.delivery.movedToDm(job.channelId, why)), problem);
    } catch (err) {
      const fault = classifyDiscordError(err);
      if (fault.kind === 'temporary') throw err;
      ctx.jobLogger(job).warn('result_dm_failed', { kind: fault.kind });
    }
    if (placeGone.includes(problem)) return undeliverable(job, problem);
    try {
      // Often only Attach Files is missing: a short message with the link may still be allowed.
      return await finish(job, await poster.linkInChannel(job, m.delivery.linkInstead(why)), problem);
    } catch (err) {
      if (classifyDiscordError(err).kind === 'temporary') throw err;
      return undeliverable(job, problem);
    }
  }

  /** Reading the channel failed, so an earlier post cannot be ruled out: read again later, a bounded number of times. */
  async function lookupFailed(job: Job, err: unknown): Promise<void> {
    const attempts = await store.recordDeliveryAttempt(job.id, clock.now());
    ctx.jobLogger(job).warn('result_lookup_failed', { err, attempt: attempts });
    if (attempts === 0) return forget(job.id);
    // Discord takes DMs again a little later (40003): a paid result is never given up for that.
    if (attempts < parts.maxLookupAttempts || isDmThrottled(err)) return parts.retryLater(job);
    return undeliverable(job, 'attempts_exhausted');
  }

  /**
   * Attempts ran out on temporary errors: the bare link, here or by DM, then give up. Not while an
   * earlier attempt's post cannot be ruled out (reading the channel fails too): the link would be a
   * second result. Reading is cheap, so it is tried a while longer before the job ends without it.
   */
  async function giveUp(job: Job): Promise<void> {
    try {
      const earlier = await earlierPost(job);
      if (earlier) return await finish(job, { sent: earlier, content: earlier.content }, null);
    } catch (err) {
      return lookupFailed(job, err);
    }
    if (job.videoExpiresAt !== null && job.videoExpiresAt <= clock.now()) return expire(job);
    const m = messagesFor(job.locale);
    const note = m.delivery.linkInstead(m.delivery.problem.attempts_exhausted);
    try {
      return await finish(job, await poster.linkInChannel(job, note), 'attempts_exhausted');
    } catch (err) {
      ctx.jobLogger(job).warn('result_link_failed', { err });
      // A temporary error may hide a link that was posted: the DM would then be a second result.
      if (classifyDiscordError(err).kind === 'temporary') {
        let posted: ChannelMessage | undefined;
        try {
          posted = await earlierPost(job);
        } catch (lookupErr) {
          return lookupFailed(job, lookupErr);
        }
        if (posted) return finish(job, { sent: posted, content: posted.content }, 'attempts_exhausted');
      }
    }
    try {
      return await finish(job, await poster.inDm(job, { kind: 'link' }, note), 'attempts_exhausted');
    } catch (err) {
      ctx.jobLogger(job).warn('result_link_failed', { err });
      if (isDmThrottled(err)) return parts.retryLater(job);
    }
    await undeliverable(job, 'attempts_exhausted');
  }

  return { deliverElsewhere, giveUp, lookupFailed };
}
