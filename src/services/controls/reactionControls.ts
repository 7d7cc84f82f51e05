import { terminalStatuses, type Job } from '../../db/jobRow.ts';
import type { CommandMention } from '../../i18n/commandNames.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import { DiscordCode, discordErrorCode, type DiscordMessenger, type SentMessage } from '../discord/discordMessenger.ts';

export const resultReactions = ['🔁', '📩', '❌'] as const;
const statusReactions = ['✅', '❌'] as const;

function statusReactionsFor(job: Job): string[] {
  if (job.status === 'awaiting_confirmation') return ['✅', '❌'];
  if (job.status === 'queued') return ['❌'];
  return [];
}

const lacksPermission = (code: number | undefined) =>
  code === DiscordCode.missingPermissions || code === DiscordCode.missingAccess;

/** The bot's own reactions: added where an action applies, removed once it no longer does. */
export function createReactionControls(deps: { messenger: DiscordMessenger; logger: Logger; clock: Clock; mention: CommandMention }) {
  const { messenger, logger } = deps;
  const startedAt = deps.clock.now();
  /** What this process put on each status message; messages of older jobs are not in it. */
  const shown = new Map<string, Set<string>>();

  return {
    async syncStatus(job: Job, message?: SentMessage): Promise<void> {
      const channelId = message?.channelId ?? job.statusChannelId;
      const messageId = message?.id ?? job.statusMessageId;
      if (!channelId || !messageId) return;
      const wanted = statusReactionsFor(job);
      const known = shown.get(messageId);
      // A job from before a restart may carry any of them; adding or removing one twice is harmless.
      const unknown = !known && job.createdAt < startedAt;
      const current = known ?? new Set<string>();
      const toAdd = wanted.filter((e) => unknown || !current.has(e));
      const toRemove = (unknown ? [...statusReactions] : [...current]).filter((e) => !wanted.includes(e));
      try {
        for (const emoji of toAdd) {
          await messenger.react(channelId, messageId, emoji);
          current.add(emoji);
        }
        for (const emoji of toRemove) {
          await messenger.unreact(channelId, messageId, emoji);
          current.delete(emoji);
        }
      } catch (err) {
        logger.info('reaction_controls_unavailable', { jobId: job.id, code: discordErrorCode(err) });
      }
      if (terminalStatuses.includes(job.status)) shown.delete(messageId);
      else shown.set(messageId, current);
    },

    /** Without Add Reactions the video still stands; the message then says how to go on without them. */
    async addResult(job: Job, message: SentMessage, content: string): Promise<void> {
      for (const emoji of resultReactions) {
        try {
          await messenger.react(message.channelId, message.id, emoji);
        } catch (err) {
          const code = discordErrorCode(err);
          logger.info('reaction_controls_unavailable', { jobId: job.id, code });
          if (lacksPermission(code)) {
            const hint = messagesFor(job.locale).reactions.unavailableHint(deps.mention);
            await messenger.edit(message.channelId, message.id, { content: `${content}\n${hint}`, mentionUserIds: [] })
              .catch((editErr) => logger.info('reaction_hint_failed', { jobId: job.id, code: discordErrorCode(editErr) }));
          }
          return;
        }
      }
    },
  };
}
