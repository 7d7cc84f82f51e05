import type { Job } from '../../db/jobRow.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { DiscordCode, discordErrorCode, type ChannelMessage, type OutgoingMessage, type SentMessage } from '../discord/discordMessenger.ts';
import { findEarlierResult, nonceTrustedForMs } from './earlierResult.ts';
import { createConcurrencyLimit } from './concurrencyLimit.ts';
import type { JobContext } from './jobContext.ts';
import { renderResultPost } from './resultPost.ts';
import { downloadVideo, type VideoDownload } from './videoDownload.ts';

const maxConcurrentDeliveries = 3;
const retryDelaysMs = [5_000, 15_000, 60_000, 300_000];
const noChannelAccess: readonly number[] = [
  DiscordCode.missingAccess, DiscordCode.missingPermissions, DiscordCode.unknownChannel,
];

/** A DM is outside the server, so a boosted server's larger upload limit does not apply there. */
const dmAttachmentLimitBytes = 10 * 1024 * 1024;

/** Same nonce for every attempt: with enforce_nonce Discord answers a repeat with the first message. */
export const resultNonce = (jobId: number) => `video-result-${jobId}`;

/** Posts a completed job's video exactly once, then marks the job delivered. */
export function createJobDelivery(ctx: JobContext) {
  const { store, clock, settings } = ctx;
  const attempts = new Map<number, number>();

  function resultMessage(job: Job, video: VideoDownload): OutgoingMessage {
    return {
      ...renderResultPost(job, video.kind === 'file' ? null : { url: job.videoUrl ?? '', expiresAt: job.videoExpiresAt }),
      files: video.kind === 'file' ? [{ name: `video-${job.id}.mp4`, data: video.bytes }] : undefined,
      nonce: resultNonce(job.id),
      replyToMessageId: job.statusMessageId ?? undefined,
    };
  }

  /** Returns what was posted, and where: the channel, else the requester's DMs, else a link in the channel. */
  async function post(job: Job, message: OutgoingMessage): Promise<{ sent: SentMessage; content: string }> {
    try {
      return { sent: await ctx.messenger.send(job.channelId, message), content: message.content };
    } catch (err) {
      const code = discordErrorCode(err);
      if (code === undefined || !noChannelAccess.includes(code)) throw err;
      ctx.jobLogger(job).warn('result_channel_unavailable', { code });
      try {
        return { sent: await ctx.messenger.dm(job.userId, { ...message, replyToMessageId: undefined }), content: message.content };
      } catch (dmErr) {
        if (discordErrorCode(dmErr) !== DiscordCode.cannotDmUser || !message.files || !job.videoUrl) throw dmErr;
        // Often only Attach Files is missing: a short reply with the link may still be allowed where the upload was not.
        ctx.jobLogger(job).warn('result_dm_closed', { code: DiscordCode.cannotDmUser });
        const reply = linkOnly(job, message);
        return { sent: await ctx.messenger.send(job.channelId, reply), content: reply.content };
      }
    }
  }

  /** The same nonce as the refused upload, so a retry of this reply is deduplicated too. */
  function linkOnly(job: Job, message: OutgoingMessage): OutgoingMessage {
    const m = messagesFor(job.locale);
    const lines = [m.resultReady(job.userId, job.id), m.resultCost(job.costMicros ?? job.estimateMicros), job.videoUrl ?? ''];
    return { ...message, files: undefined, content: lines.join('\n') };
  }

  async function expire(job: Job): Promise<void> {
    const expired = store.markVideoExpired(job.id, clock.now());
    if (!expired) return;
    ctx.jobLogger(job).warn('job_video_expired', { taskId: job.taskId });
    void ctx.status.refresh(job.id);
    await ctx.notifyUser(expired, messagesFor(job.locale).resultExpired(job.userId, job.id));
  }

  /**
   * Within Discord's nonce window a repeated post returns the first message; past it, an earlier
   * attempt's message is looked up instead, so a long outage or downtime cannot post the video twice.
   */
  async function earlierAttemptsResult(job: Job): Promise<ChannelMessage | undefined> {
    const startedAt = store.markResultPostStarted(job.id, clock.now());
    if (clock.now() - startedAt <= nonceTrustedForMs) return undefined;
    const botUserId = ctx.botUserId();
    // Jobs resume before login: until the bot knows who it is, it cannot recognise its own post.
    if (!botUserId) throw new Error('bot user not known yet; delivery retried after login');
    const earlier = await findEarlierResult(ctx.messenger, job, botUserId, startedAt);
    if (earlier) ctx.jobLogger(job).info('result_found_from_earlier_attempt', { messageId: earlier.id });
    return earlier;
  }

  /** Each delivery holds a whole video in memory; a few at a time bound that however many finish at once. */
  const oneOfFew = createConcurrencyLimit(maxConcurrentDeliveries);

  async function deliver(jobId: number): Promise<void> {
    return oneOfFew(() => deliverNow(jobId));
  }

  async function deliverNow(jobId: number): Promise<void> {
    const job = store.get(jobId);
    if (!job || job.status !== 'completed' || !job.videoUrl) return;
    const log = ctx.jobLogger(job);
    try {
      if (job.videoExpiresAt !== null && job.videoExpiresAt <= clock.now()) return await expire(job);
      const video = await downloadVideo(job.videoUrl, job.attachmentSizeLimit, settings.downloadTimeoutMs, ctx.fetch);
      if (video.kind === 'gone') return await expire(job);
      const message = resultMessage(job, video);
      const earlier = await earlierAttemptsResult(job);
      const { sent, content } = earlier ? { sent: earlier, content: earlier.content } : await post(job, message);
      const delivered = store.markDelivered(job.id, sent.channelId, sent.id, clock.now());
      attempts.delete(job.id);
      log.info('job_delivered', { messageId: sent.id, uploaded: video.kind === 'file' });
      void ctx.status.refresh(job.id);
      if (delivered) await ctx.resultPosted(delivered, sent, content);
    } catch (err) {
      const attempt = (attempts.get(job.id) ?? 0) + 1;
      attempts.set(job.id, attempt);
      const delayMs = retryDelaysMs[Math.min(attempt, retryDelaysMs.length) - 1] as number;
      log.warn('job_delivery_failed', { err, attempt, retryInMs: delayMs });
      ctx.schedule(job.id, delayMs, () => deliver(job.id));
    }
  }

  /** 📩: a private copy (or its link) for whoever asked; throws when their DMs are closed. */
  async function sendCopy(job: Job, userId: string): Promise<void> {
    if (!job.videoUrl) return;
    const expired = job.videoExpiresAt !== null && job.videoExpiresAt <= clock.now();
    const video: VideoDownload = expired
      ? { kind: 'gone', status: 410 }
      : await downloadVideo(job.videoUrl, Math.min(job.attachmentSizeLimit, dmAttachmentLimitBytes), settings.downloadTimeoutMs, ctx.fetch)
        .catch(() => ({ kind: 'gone', status: 0 }) as const);
    const m = messagesFor(job.locale);
    const linkDead = video.kind === 'gone' && video.status !== 0;
    const content = video.kind === 'file' ? m.reactions.dmCopy(job.id)
      : linkDead ? m.reactions.videoGone(job.id)
      : `${m.reactions.dmCopy(job.id)}\n${m.resultLink(job.videoUrl, job.videoExpiresAt)}`;
    await ctx.messenger.dm(userId, {
      content, files: video.kind === 'file' ? [{ name: `video-${job.id}.mp4`, data: video.bytes }] : undefined,
    });
  }

  return { deliver, sendCopy };
}

export type JobDelivery = ReturnType<typeof createJobDelivery>;
