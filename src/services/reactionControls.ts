import type { Job } from '../db/jobRow.ts';
import { messagesFor } from '../i18n/messages.ts';
import type { Logger } from '../logger.ts';
import { DiscordCode, discordErrorCode, type DiscordMessenger, type SentMessage } from './discordMessenger.ts';

export const resultReactions = ['🔁', '📩', '❌'] as const;

function statusReactionsFor(job: Job): string[] {
  if (job.status === 'awaiting_confirmation') return ['✅', '❌'];
  if (job.status === 'queued') return ['❌'];
  return [];
}

/** The bot's own reactions: added where an action applies, removed once it no longer does. */
export function createReactionControls(deps: { messenger: DiscordMessenger; logger: Logger }) {
  const { messenger, logger } = deps;
  const shown = new Map<string, Set<string>>();

  return {
    async syncStatus(job: Job, message?: SentMessage): Promise<void> {
      const channelId = message?.channelId ?? job.statusChannelId;
      const messageId = message?.id ?? job.statusMessageId;
      if (!channelId || !messageId) return;
      const wanted = statusReactionsFor(job);
      const current = shown.get(messageId) ?? new Set<string>();
      try {
        for (const emoji of wanted.filter((e) => !current.has(e))) {
          await messenger.react(channelId, messageId, emoji);
          current.add(emoji);
        }
        for (const emoji of [...current].filter((e) => !wanted.includes(e))) {
          await messenger.unreact(channelId, messageId, emoji);
          current.delete(emoji);
        }
      } catch (err) {
        logger.info('reaction_controls_unavailable', { jobId: job.id, code: discordErrorCode(err) });
      }
      if (current.size > 0) shown.set(messageId, current);
      else shown.delete(messageId);
    },

    /** Without Add Reactions the video still stands; the message then says how to go on without them. */
    async addResult(job: Job, message: SentMessage, content: string): Promise<void> {
      for (const emoji of resultReactions) {
        try {
          await messenger.react(message.channelId, message.id, emoji);
        } catch (err) {
          const code = discordErrorCode(err);
          logger.info('reaction_controls_unavailable', { jobId: job.id, code });
          if (code === DiscordCode.missingPermissions || code === DiscordCode.missingAccess) {
            const hint = messagesFor(job.locale).reactions.unavailableHint;
            await messenger.edit(message.channelId, message.id, { content: `${content}\n${hint}`, mentionUserIds: [] })
              .catch((editErr) => logger.info('reaction_hint_failed', { jobId: job.id, code: discordErrorCode(editErr) }));
          }
          return;
        }
      }
    },
  };
}
