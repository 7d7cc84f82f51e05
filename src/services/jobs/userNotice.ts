import type { Job } from '../../db/job.ts';
import type { Logger } from '../../logger.ts';
import type { DiscordMessenger } from '../discord/discordMessenger.ts';

/**
 * Tells a job's requester something in the job's channel, as a reply to its status that pings only
 * them; where the job's channel or server is gone, privately. A notice that cannot go is logged.
 */
export function createUserNotice(deps: { messenger: DiscordMessenger; logger: Logger }) {
  return async function notifyUser(job: Job, content: string): Promise<void> {
    try {
      if (job.placeGone !== null) await deps.messenger.dm(job.userId, { content });
      else await deps.messenger.send(job.channelId, { content, mentionUserIds: [job.userId], replyToMessageId: job.statusMessageId ?? undefined });
    } catch (err) {
      deps.logger.warn('user_notice_failed', { jobId: job.id, userId: job.userId, err });
    }
  };
}
