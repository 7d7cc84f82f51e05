import type { Job } from '../../db/job.ts';
import type { Logger } from '../../logger.ts';
import type { DmNoticeContext } from '../discord/directMessages.ts';
import type { DiscordMessenger, OutgoingMessage } from '../discord/discordMessenger.ts';

/** A DM that may wait for Discord (directMessages.ts's `notice`): resolves once sent or given up. */
export type DmNotice = (userId: string, message: OutgoingMessage, context: DmNoticeContext) => Promise<void>;

/**
 * Words for a job's requester beside its status card: a reply in the job's channel, or a DM where the
 * channel is no place for them (the job's server or channel is gone, or no longer allowed).
 */
export function createUserNotices(deps: { messenger: DiscordMessenger; dmNotice?: DmNotice; logger: Logger }) {
  const { messenger, logger } = deps;
  const dmNotice: DmNotice = deps.dmNotice ?? (async (userId, message, context) => {
    await messenger.dm(userId, message).catch((err: unknown) => logger.warn('user_notice_failed', { ...context, userId, err }));
  });

  return async (job: Job, content: string, privately = job.placeGone !== null): Promise<void> => {
    if (privately) return dmNotice(job.userId, { content }, { event: 'job_notice', jobId: job.id });
    try {
      await messenger.send(job.channelId, { content, mentionUserIds: [job.userId], replyToMessageId: job.statusMessageId ?? undefined });
    } catch (err) {
      logger.warn('user_notice_failed', { jobId: job.id, userId: job.userId, err });
    }
  };
}

export type UserNotices = ReturnType<typeof createUserNotices>;
