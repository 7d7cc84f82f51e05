import type { MessageReaction, PartialMessageReaction, PartialUser, User } from 'discord.js';
import type { Job } from '../db/jobRow.ts';
import type { Config } from '../config.ts';
import type { JobStore } from '../db/jobStore.ts';
import { messagesFor } from '../i18n/messages.ts';
import type { Logger } from '../logger.ts';
import type { AdminCheck } from './adminCheck.ts';
import type { Clock } from './clock.ts';
import { discordErrorCode, type DiscordMessenger, type SentMessage } from './discordMessenger.ts';
import type { JobIntake } from './jobIntake.ts';
import type { JobScheduler } from './jobScheduler.ts';
import { createReactionControls } from './reactionControls.ts';
import { createReactorNotifier } from './reactorNotifier.ts';
import { rerollJob } from './reroll.ts';

export const Emoji = { confirm: '✅', cancel: '❌', reroll: '🔁', dm: '📩' } as const;

export interface ReactionHandlerDeps {
  config: Config;
  store: JobStore;
  scheduler: JobScheduler;
  intake: JobIntake;
  messenger: DiscordMessenger;
  clock: Clock;
  logger: Logger;
  isAdmin: AdminCheck;
  botUserId: () => string | undefined;
  fetch?: typeof fetch;
}

/**
 * Reactions carry no authorization of their own: every action is checked against the job's requester
 * (or an admin) as stored in SQLite, so it works the same on messages from before a restart.
 */
export function createReactionHandler(deps: ReactionHandlerDeps) {
  const { store, clock, logger, messenger } = deps;
  const controls = createReactionControls({ messenger, logger });
  const tell = createReactorNotifier({ messenger, clock, logger });

  async function removeReaction(job: Job, messageId: string, emoji: string, userId: string): Promise<void> {
    await messenger.removeUserReaction(job.statusChannelId ?? job.channelId, messageId, emoji, userId)
      .catch((err) => logger.debug('reaction_remove_failed', { jobId: job.id, code: discordErrorCode(err) }));
  }

  async function onStatusReaction(job: Job, emoji: string, userId: string, admin: boolean): Promise<'done' | 'refused'> {
    const m = messagesFor(job.locale);
    const now = clock.now();
    if (emoji === Emoji.confirm) {
      if (userId !== job.userId) return 'refused';
      const confirmed = store.confirm(job.id, now);
      if (confirmed) deps.scheduler.confirmed(confirmed);
      return 'done';
    }
    if (emoji !== Emoji.cancel) return 'done';
    if (userId !== job.userId && !admin) return 'refused';
    const cancelled = store.endBeforeSubmission(job.id, 'cancelled', userId === job.userId ? 'cancelled_by_user' : 'cancelled_by_admin', now);
    if (cancelled) {
      deps.scheduler.cancelled(cancelled);
      if (userId !== job.userId) store.spend.audit({ guildId: job.guildId, actorId: userId, action: 'cancel_job', targetUserId: job.userId, jobId: job.id, now });
    } else if (['submitting', 'submitted', 'timed_out', 'completed'].includes(job.status)) {
      await tell(userId, job.channelId, m.reactions.cannotCancelSubmitted(job.id));
    }
    return 'done';
  }

  async function onResultReaction(job: Job, messageId: string, emoji: string, userId: string, admin: boolean): Promise<'done' | 'refused'> {
    const m = messagesFor(job.locale);
    if (emoji === Emoji.dm) {
      await deps.scheduler.sendResultByDm(job, userId).catch(async () => tell(userId, job.channelId, m.reactions.dmClosed));
      return 'done';
    }
    if (userId !== job.userId && !admin) return emoji === Emoji.cancel || emoji === Emoji.reroll ? 'refused' : 'done';
    const audit = (action: string) => userId !== job.userId &&
      store.spend.audit({ guildId: job.guildId, actorId: userId, action, targetUserId: job.userId, jobId: job.id, now: clock.now() });
    if (emoji === Emoji.cancel) {
      await messenger.delete(job.statusChannelId ?? job.channelId, messageId)
        .catch((err) => logger.warn('result_delete_failed', { jobId: job.id, code: discordErrorCode(err) }));
      audit('delete_result');
    } else if (emoji === Emoji.reroll) {
      const outcome = rerollJob(job, userId, deps);
      if (outcome.ok) audit('reroll_job');
      else if (outcome.message) await tell(userId, job.channelId, outcome.message(m));
    }
    return 'done';
  }

  return {
    async onReactionAdd(reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser): Promise<void> {
      try {
        if (user.id === deps.botUserId()) return;
        const emoji = reaction.emoji.name ?? '';
        if (!Object.values(Emoji).includes(emoji as never)) return;
        const found = store.findByMessageId(reaction.message.id);
        if (!found) return;
        const { job, kind } = found;
        const admin = user.id !== job.userId && await deps.isAdmin(job.guildId, user.id);
        const outcome = kind === 'status'
          ? await onStatusReaction(job, emoji, user.id, admin)
          : await onResultReaction(job, reaction.message.id, emoji, user.id, admin);
        if (outcome === 'refused') {
          logger.info('reaction_refused', { jobId: job.id, userId: user.id, emoji });
          await removeReaction(job, reaction.message.id, emoji, user.id);
        }
      } catch (err) {
        logger.error('reaction_failed', { messageId: reaction.message.id, userId: user.id, err });
      }
    },
    /** Keeps the bot's own ✅/❌ on a status message in line with what the job still allows. */
    syncStatusControls: (job: Job, message?: SentMessage) => controls.syncStatus(job, message),
    addResultControls: (job: Job, message: SentMessage, content: string) => controls.addResult(job, message, content),
  };
}

export type ReactionHandler = ReturnType<typeof createReactionHandler>;
