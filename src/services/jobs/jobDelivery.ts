import type { Job } from '../../db/job.ts';
import type { DeliveryProblem } from '../../i18n/deliveryMessages.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { classifyDiscordError, type DiscordFault } from '../discord/discordFaults.ts';
import type { ChannelMessage } from '../discord/discordMessenger.ts';
import { createFairConcurrencyLimit } from './concurrencyLimit.ts';
import { createDeliveryFallbacks } from './deliveryFallbacks.ts';
import { createDmCopy } from './dmCopy.ts';
import { findEarlierResult } from './earlierResult.ts';
import type { JobContext } from './jobContext.ts';
import { createKeptVideos } from './keptVideos.ts';
import { createResultPoster, type Posted, type ResultPayload } from './resultPoster.ts';
import { downloadVideo, VideoLinkRefusedError } from './videoDownload.ts';

export { resultNonce } from './resultPoster.ts';

const maxConcurrentDeliveries = 3;
/** Discord lets a channel take five messages in five seconds: a third slot there would only wait. */
const maxDeliveriesPerChannel = 2;
/** Waits after the 1st, 2nd… failed attempt; after the last one the job ends (a link, or undeliverable). */
export const deliveryRetryDelaysMs = [5_000, 15_000, 60_000, 300_000];
export const maxDeliveryAttempts = deliveryRetryDelaysMs.length + 1;
const lastRetryDelayMs = deliveryRetryDelaysMs[deliveryRetryDelaysMs.length - 1] as number;
/** After the last upload attempt, how many more times (at the last delay) an unreadable channel is read again. */
const lookupRetriesAfterLastAttempt = 12;
/** Videos kept in memory between attempts, all jobs together; past this a job keeps only its link. */
const keptBytesLimit = 256 * 1024 * 1024;

function problemOf(fault: DiscordFault): DeliveryProblem {
  if (fault.kind === 'place_closed') return fault.reason;
  return fault.kind === 'automod' ? 'automod' : 'refused';
}

/**
 * Posts a completed job's video exactly once, then marks the job delivered. Every Discord error is
 * either temporary (retried a bounded number of times, with the downloaded video kept) or final
 * (the requester's DMs, else a link, else the job ends undeliverable); either way the job ends.
 */
export function createJobDelivery(ctx: JobContext) {
  const { store, clock, settings } = ctx;
  const poster = createResultPoster(ctx.messenger);
  const kept = createKeptVideos(keptBytesLimit);
  const forget = kept.forget;

  async function finish(job: Job, posted: Posted, problem: DeliveryProblem | null): Promise<void> {
    forget(job.id);
    const delivered = await store.markDelivered(job.id, posted.sent.channelId, posted.sent.id, clock.now(), problem);
    ctx.jobLogger(job).info('job_delivered', { messageId: posted.sent.id, problem });
    void ctx.status.refresh(job.id);
    if (delivered) await ctx.resultPosted(delivered, posted.sent, posted.content);
  }

  async function expire(job: Job): Promise<void> {
    forget(job.id);
    const expired = await store.markVideoExpired(job.id, clock.now());
    if (!expired) return;
    ctx.jobLogger(job).warn('job_video_expired', { taskId: job.taskId });
    void ctx.status.refresh(job.id);
    await ctx.notifyUser(expired, messagesFor(job.locale).resultExpired(job.userId, job.id));
  }

  /** The provider billed it, so the settlement stands; the link is neither fetched again nor posted. */
  async function refuseLink(job: Job, err: VideoLinkRefusedError): Promise<void> {
    forget(job.id);
    const refused = await store.markVideoLinkRefused(job.id, err.reason, clock.now());
    if (!refused) return;
    ctx.jobLogger(job).error('job_video_link_refused', { taskId: job.taskId, reason: err.reason });
    void ctx.status.refresh(job.id);
    await ctx.notifyUser(refused, messagesFor(job.locale).resultUnusableLink(job.userId, job.id));
  }

  /** An earlier attempt may have posted it although its answer was lost: that post is the result. */
  async function earlierPost(job: Job): Promise<ChannelMessage | undefined> {
    if (job.resultPostStartedAt === null) return undefined;
    const botUserId = ctx.botUserId();
    // Jobs resume before login: until the bot knows who it is, it cannot recognise its own post.
    if (!botUserId) throw new Error('bot user not known yet; delivery retried after login');
    const earlier = await findEarlierResult(ctx.messenger, job, botUserId, job.resultPostStartedAt);
    if (earlier) ctx.jobLogger(job).info('result_found_from_earlier_attempt', { messageId: earlier.id });
    return earlier;
  }

  async function payloadFor(job: Job): Promise<ResultPayload | 'gone'> {
    const stored = kept.get(job.id);
    if (stored) return stored;
    const video = await downloadVideo(job.videoUrl as string, job.attachmentSizeLimit, settings.downloadTimeoutMs, ctx.fetchVideo);
    if (video.kind === 'gone') return 'gone';
    return video.kind === 'file' ? { kind: 'file', bytes: video.bytes } : { kind: 'link' };
  }

  async function attempt(job: Job): Promise<void> {
    // Before the expiry check: a post whose answer was lost must be found, not reported as expired.
    if (job.deliveryAttempts >= maxDeliveryAttempts) return giveUp(job);
    const earlier = await earlierPost(job);
    if (earlier) return finish(job, { sent: earlier, content: earlier.content }, null);
    // A dead link does not matter while the video itself is kept from an earlier attempt.
    const expired = job.videoExpiresAt !== null && job.videoExpiresAt <= clock.now();
    if (expired && kept.get(job.id)?.kind !== 'file') return expire(job);
    const payload = await payloadFor(job);
    if (payload === 'gone') return expire(job);
    kept.keep(job.id, payload);
    await store.markResultPostStarted(job.id, clock.now());
    // The bot left the server, or the channel was deleted (gonePlaces.ts): straight to the requester's DMs.
    if (job.placeGone !== null) return deliverElsewhere(job, payload, job.placeGone === 'guild_removed' ? 'bot_removed' : 'channel_deleted');
    let posted: Posted;
    try {
      posted = await poster.inChannel(job, payload);
    } catch (err) {
      const fault = classifyDiscordError(err);
      if (fault.kind === 'temporary') throw err;
      return deliverElsewhere(job, payload, problemOf(fault));
    }
    return finish(job, posted, null);
  }

  /**
   * Each delivery holds a whole video in memory; a few at a time bound that however many finish at once.
   * Shared fairly between channels, so a busy channel's results never hold back another channel's.
   */
  const oneOfFew = createFairConcurrencyLimit(maxConcurrentDeliveries, maxDeliveriesPerChannel);

  async function deliverNow(jobId: number): Promise<void> {
    const job = await store.get(jobId);
    if (!job || job.status !== 'completed' || !job.videoUrl) return;
    try {
      await attempt(job);
    } catch (err) {
      if (err instanceof VideoLinkRefusedError) return refuseLink(job, err);
      const attempts = await store.recordDeliveryAttempt(job.id, clock.now());
      if (attempts === 0) return forget(job.id);
      const delayMs = deliveryRetryDelaysMs[attempts - 1];
      ctx.jobLogger(job).warn('job_delivery_failed', { err, attempt: attempts, retryInMs: delayMs ?? null });
      if (delayMs === undefined) return giveUp(job);
      ctx.schedule(job.id, delayMs, () => deliver(job.id));
    }
  }

  const dmCopy = createDmCopy(ctx);
  const { deliverElsewhere, giveUp } = createDeliveryFallbacks(ctx, {
    poster, finish, expire, earlierPost, forget,
    retryLater: (job) => ctx.schedule(job.id, lastRetryDelayMs, () => deliver(job.id)),
    maxLookupAttempts: maxDeliveryAttempts + lookupRetriesAfterLastAttempt,
  });

  async function deliver(jobId: number): Promise<void> {
    const job = await store.get(jobId);
    if (job) await oneOfFew(job.channelId, () => deliverNow(jobId));
  }

  return {
    deliver,
    /** 📩: through the same few delivery slots as results, so a burst of reactions cannot flood downloads or DMs. */
    sendCopy: (job: Job, userId: string) => oneOfFew(`dm:${userId}`, () => dmCopy(job, userId)),
  };
}

export type JobDelivery = ReturnType<typeof createJobDelivery>;
