import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { classifyDiscordError } from '../discord/discordFaults.ts';
import { DiscordCode, discordErrorCode } from '../discord/discordMessenger.ts';
import type { JobContext } from './jobContext.ts';
import { dmAttachmentLimitBytes } from './resultPoster.ts';
import { videoFileName } from './resultPost.ts';
import { downloadVideo, VideoLinkRefusedError, type VideoDownload } from './videoDownload.ts';

/** One full copy per member and job in this window; a repeat inside it gets the link once, then nothing. */
export const dmCopyWindowMs = 60 * 60_000;

/** What 📩 / DM me came to, so the answer says what really happened. */
export type DmCopyOutcome =
  | { kind: 'sent' }
  /** Nothing was sent: this member got the video and its link within the hour. */
  | { kind: 'limited'; againAtMs: number }
  /** Nothing was sent: the provider's link is dead and the result message holds no copy any more. */
  | { kind: 'gone' };

/** Where a copy can come from: the provider's link while it lives, then the result message's own file. */
interface VideoSource { url: string; expiresAtMs: number | null; fetch: typeof fetch }

/** Reading the result message fails this way when it, or its channel, is gone for the bot. */
const messageGone: readonly number[] = [DiscordCode.unknownMessage, DiscordCode.unknownChannel, DiscordCode.missingAccess];

/** 📩: a private copy (or its link) for whoever asked; throws when their DMs are closed. */
export function createDmCopy(ctx: JobContext) {
  const { store, clock, settings } = ctx;

  function providerSource(job: Job): VideoSource | undefined {
    const expired = job.videoExpiresAt !== null && job.videoExpiresAt <= clock.now();
    return job.videoUrl && !expired ? { url: job.videoUrl, expiresAtMs: job.videoExpiresAt, fetch: ctx.fetchVideo } : undefined;
  }

  /**
   * The video as the channel shows it: the result message read again from Discord, whose file link is
   * signed afresh on each read. Undefined when the result was a bare link, or was deleted.
   */
  async function channelSource(job: Job): Promise<VideoSource | undefined> {
    if (!job.resultMessageId || !job.statusChannelId) return undefined;
    try {
      const files = await ctx.messenger.attachmentsOf(job.statusChannelId, job.resultMessageId);
      const video = files.find((f) => f.filename === videoFileName(job.id));
      return video && { url: video.url, expiresAtMs: null, fetch: ctx.fetchAttachment };
    } catch (err) {
      const code = discordErrorCode(err);
      if (code !== undefined && messageGone.includes(code)) return undefined;
      throw err;
    }
  }

  async function download(job: Job, source: VideoSource): Promise<VideoDownload | 'unreadable'> {
    const limitBytes = Math.min(job.attachmentSizeLimit, dmAttachmentLimitBytes);
    try {
      return await downloadVideo(source.url, limitBytes, settings.downloadTimeoutMs, source.fetch);
    } catch (err) {
      // A refused link counts as dead: it is not sent on either. Any other failure may be ours alone: the link is sent.
      return err instanceof VideoLinkRefusedError ? { kind: 'gone', status: 451 } : 'unreadable';
    }
  }

  async function sendLink(job: Job, userId: string): Promise<DmCopyOutcome> {
    const source = providerSource(job) ?? await channelSource(job);
    if (!source) return { kind: 'gone' };
    await ctx.messenger.dm(userId, { content: messagesFor(job.locale).delivery.dmCopyAgain(job.id, source.url, source.expiresAtMs) });
    return { kind: 'sent' };
  }

  async function sendCopy(job: Job, userId: string): Promise<DmCopyOutcome> {
    const m = messagesFor(job.locale);
    for (const next of [() => Promise.resolve(providerSource(job)), () => channelSource(job)]) {
      const source = await next();
      if (!source) continue;
      const video = await download(job, source);
      if (video !== 'unreadable' && video.kind === 'gone') continue;
      const content = video !== 'unreadable' && video.kind === 'file'
        ? m.reactions.dmCopy(job.id)
        : `${m.reactions.dmCopy(job.id)}\n${m.resultLink(source.url, source.expiresAtMs)}`;
      const files = video !== 'unreadable' && video.kind === 'file' ? [{ name: videoFileName(job.id), data: video.bytes }] : undefined;
      await ctx.messenger.dm(userId, { content, files });
      return { kind: 'sent' };
    }
    return { kind: 'gone' };
  }

  return async (job: Job, userId: string): Promise<DmCopyOutcome> => {
    const { grant, claimedAt } = await store.claimDmCopy(job.id, userId, clock.now(), dmCopyWindowMs);
    ctx.jobLogger(job).info('result_dm_requested', { reactorId: userId, grant });
    if (grant === 'none') return { kind: 'limited', againAtMs: claimedAt + dmCopyWindowMs };
    if (grant === 'link') return sendLink(job, userId);
    let outcome: DmCopyOutcome;
    try {
      outcome = await sendCopy(job, userId);
    } catch (err) {
      // Discord down: nothing arrived, so asking again must not wait an hour. Closed DMs keep the claim:
      // releasing it let each toggle download and upload the whole video again; the next ask gets the link.
      if (classifyDiscordError(err).kind !== 'dm_closed') await store.releaseDmCopy(job.id, userId, claimedAt);
      throw err;
    }
    // Nothing was sent, so nothing counts against the hour.
    if (outcome.kind === 'gone') await store.releaseDmCopy(job.id, userId, claimedAt);
    return outcome;
  };
}
