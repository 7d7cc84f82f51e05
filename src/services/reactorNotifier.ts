import type { Logger } from '../logger.ts';
import type { Clock } from './clock.ts';
import { discordErrorCode, type DiscordMessenger } from './discordMessenger.ts';

const channelNoticeLifetimeMs = 15_000;

/**
 * Words for a reaction's outcome go to the reactor by DM; when DMs are closed, a short channel reply
 * that mentions only them and deletes itself.
 */
export function createReactorNotifier(deps: { messenger: DiscordMessenger; clock: Clock; logger: Logger }) {
  const { messenger, clock, logger } = deps;
  return async (userId: string, channelId: string, content: string): Promise<void> => {
    try {
      await messenger.dm(userId, { content });
      return;
    } catch (err) {
      logger.debug('reactor_dm_failed', { userId, code: discordErrorCode(err) });
    }
    try {
      const notice = await messenger.send(channelId, { content: `<@${userId}> ${content}`, mentionUserIds: [userId] });
      clock.setTimeout(() => {
        messenger.delete(notice.channelId, notice.id).catch(() => undefined);
      }, channelNoticeLifetimeMs);
    } catch (err) {
      logger.warn('reactor_notice_failed', { userId, code: discordErrorCode(err) });
    }
  };
}
