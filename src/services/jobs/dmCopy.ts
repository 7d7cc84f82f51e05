import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { classifyDiscordError } from '../discord/discordFaults.ts';
import type { JobContext } from './jobContext.ts';
import { dmAttachmentLimitBytes } from './resultPoster.ts';
import { downloadVideo, VideoLinkRefusedError, type VideoDownload } from './videoDownload.ts';

/** One full copy per member and job in this window; a repeat inside it gets the link once, then nothing. */
export const dmCopyWindowMs = 60 * 60_000;

/** 📩: a private copy (or its link) for whoever asked; throws when their DMs are closed. */
export function createDmCopy(ctx: JobContext) {
  const { store, clock, settings } = ctx;

  async function sendLink(job: Job, userId: string): Promise<void> {
    const expired = job.videoExpiresAt !== null && job.videoExpiresAt <= clock.now();
    if (!job.videoUrl || expired) return;
    await ctx.messenger.dm(userId, { content: messagesFor(job.locale).delivery.dmCopyAgain(job.id, job.videoUrl, job.videoExpiresAt) });
  }

  async function sendCopy(job: Job, userId: string): Promise<void> {
    if (!job.videoUrl) return;
    const expired = job.videoExpiresAt !== null && job.videoExpiresAt <= clock.now();
    const video: VideoDownload = expired
      ? { kind: 'gone', status: 410 }
      : await downloadVideo(job.videoUrl, Math.min(job.attachmentSizeLimit, dmAttachmentLimitBytes), settings.downloadTimeoutMs, ctx.fetchVideo)
        // A refused link counts as dead: it is not sent on either.
        .catch((err) => ({ kind: 'gone', status: err instanceof VideoLinkRefusedError ? 451 : 0 }) as const);
    const m = messagesFor(job.locale);
    const linkDead = video.kind === 'gone' && video.status !== 0;
    const content = video.kind === 'file' ? m.reactions.dmCopy(job.id)
      : linkDead ? m.reactions.videoGone(job.id)
      : `${m.reactions.dmCopy(job.id)}\n${m.resultLink(job.videoUrl, job.videoExpiresAt)}`;
    await ctx.messenger.dm(userId, {
      content, files: video.kind === 'file' ? [{ name: `video-${job.id}.mp4`, data: video.bytes }] : undefined,
    });
  }

  return async (job: Job, userId: string): Promise<void> => {
    const { grant, claimedAt } = await store.claimDmCopy(job.id, userId, clock.now(), dmCopyWindowMs);
    ctx.jobLogger(job).info('result_dm_requested', { reactorId: userId, grant });
    if (grant === 'none') return;
    if (grant === 'link') return sendLink(job, userId);
    try {
      await sendCopy(job, userId);
    } catch (err) {
      // Discord down: nothing arrived, so asking again must not wait an hour. Closed DMs keep the claim:
      // releasing it let each toggle download and upload the whole video again; the next ask gets the link.
      if (classifyDiscordError(err).kind !== 'dm_closed') await store.releaseDmCopy(job.id, userId, claimedAt);
      throw err;
    }
  };
}
