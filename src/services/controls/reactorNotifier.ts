import { userMention } from 'discord.js';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import { discordErrorCode, type DiscordMessenger } from '../discord/discordMessenger.ts';

export const defaultNoticeLifetimeMs = 15_000;

export interface ReactorNotice {
  userId: string;
  channelId: string;
  content: string;
  /** When the words are about the DMs being closed, trying a DM first is pointless. */
  channelOnly?: boolean;
}

/**
 * Words for a reaction's outcome go to the reactor by DM; when DMs are closed, a short channel reply
 * that mentions only them and deletes itself.
 */
export function createReactorNotifier(deps: { messenger: DiscordMessenger; clock: Clock; logger: Logger; noticeLifetimeMs?: number }) {
  const { messenger, clock, logger } = deps;
  const lifetimeMs = deps.noticeLifetimeMs ?? defaultNoticeLifetimeMs;
  return async ({ userId, channelId, content, channelOnly = false }: ReactorNotice): Promise<void> => {
    if (!channelOnly) {
      try {
        await messenger.dm(userId, { content });
        return;
      } catch (err) {
        logger.debug('reactor_dm_failed', { userId, code: discordErrorCode(err) });
      }
    }
    try {
      const notice = await messenger.send(channelId, { content: `${userMention(userId)} ${content}`, mentionUserIds: [userId] });
      clock.setTimeout(() => {
        messenger.delete(notice.channelId, notice.id)
          .catch((err) => logger.debug('reactor_notice_delete_failed', { userId, code: discordErrorCode(err) }));
      }, lifetimeMs);
    } catch (err) {
      logger.warn('reactor_notice_failed', { userId, code: discordErrorCode(err) });
    }
  };
}

export type ReactorNotifier = ReturnType<typeof createReactorNotifier>;
