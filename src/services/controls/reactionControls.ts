import { terminalStatuses, type Job } from '../../db/job.ts';
import type { CommandMention } from '../../i18n/commandNames.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import { discordErrorCode, type DiscordMessenger, type SentMessage } from '../discord/discordMessenger.ts';
import { createReactionQueue, type ReactionWrite } from './reactionQueue.ts';

export const resultReactions = ['🔁', '📩', '❌'] as const;
const statusReactions = ['✅', '❌'] as const;

function statusReactionsFor(job: Job): string[] {
  if (job.status === 'awaiting_confirmation') return ['✅', '❌'];
  if (job.status === 'queued') return ['❌'];
  return [];
}

/**
 * The bot's own reactions: added where an action applies, removed once it no longer does. Never in a
 * DM (the bot receives no DM reactions, so they could not work) nor where the job's place is gone.
 * The writes go to a per-channel queue; callers do not wait for them.
 */
export function createReactionControls(deps: { messenger: DiscordMessenger; logger: Logger; clock: Clock; mention: CommandMention }) {
  const { messenger, logger } = deps;
  const startedAt = deps.clock.now();
  const queue = createReactionQueue(deps);
  /** What this process asked for on each status message; messages of older jobs are not in it. */
  const shown = new Map<string, Set<string>>();

  return {
    async syncStatus(job: Job, message?: SentMessage): Promise<void> {
      const channelId = message?.channelId ?? job.statusChannelId;
      const messageId = message?.id ?? job.statusMessageId;
      if (!channelId || !messageId || job.placeGone !== null || channelId !== job.channelId) return;
      const wanted = statusReactionsFor(job);
      const known = shown.get(messageId);
      // A job from before a restart may carry any of them; adding or removing one twice is harmless.
      const unknown = !known && job.createdAt < startedAt;
      const current = known ?? new Set<string>();
      const toAdd = wanted.filter((e) => unknown || !current.has(e));
      const toRemove = (unknown ? [...statusReactions] : [...current]).filter((e) => !wanted.includes(e));
      const writes: ReactionWrite[] = [
        ...toAdd.map((emoji) => ({ channelId, messageId, emoji, add: true, jobId: job.id })),
        ...toRemove.map((emoji) => ({ channelId, messageId, emoji, add: false, jobId: job.id })),
      ];
      // What was asked for, so the next status write does not queue the same reactions again.
      for (const emoji of toAdd) current.add(emoji);
      for (const emoji of toRemove) current.delete(emoji);
      if (terminalStatuses.includes(job.status)) shown.delete(messageId);
      else shown.set(messageId, current);
      queue.push(writes);
    },

    /** Without Add Reactions the video still stands; the message then says how to go on without them. */
    async addResult(job: Job, message: SentMessage, content: string): Promise<void> {
      if (job.placeGone !== null || message.channelId !== job.channelId) return;
      const writes = resultReactions.map((emoji) => ({ channelId: message.channelId, messageId: message.id, emoji, add: true, jobId: job.id }));
      queue.push(writes, async () => {
        const hint = messagesFor(job.locale).reactions.unavailableHint(deps.mention);
        await messenger.edit(message.channelId, message.id, { content: `${content}\n${hint}`, mentionUserIds: [] })
          .catch((editErr) => logger.info('reaction_hint_failed', { jobId: job.id, code: discordErrorCode(editErr) }));
      });
    },

    idle: () => queue.idle(),
    channelGone: (channelId: string) => queue.channelGone(channelId),
  };
}
