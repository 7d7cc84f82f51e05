import type { MessageReaction, PartialMessageReaction, PartialUser, User } from 'discord.js';
import type { Config } from '../../config.ts';
import type { Job, JobStatus } from '../../db/jobRow.ts';
import type { JobStore } from '../../db/jobStore.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { Logger } from '../../logger.ts';
import type { AdminCheck } from '../discord/adminCheck.ts';
import type { Clock } from '../../clock.ts';
import { DiscordCode, discordErrorCode, type DiscordMessenger, type SentMessage } from '../discord/discordMessenger.ts';
import type { JobIntake } from '../jobs/jobIntake.ts';
import type { JobScheduler } from '../jobs/jobScheduler.ts';
import { createReactionControls } from './reactionControls.ts';
import { createReactorNotifier } from './reactorNotifier.ts';
import { rerollJob } from './reroll.ts';

export const Emoji = { confirm: '✅', cancel: '❌', reroll: '🔁', dm: '📩' } as const;

/** The request may already have reached the provider, which has no cancel endpoint. */
const pastCancelling: readonly JobStatus[] = ['submitting', 'submitted', 'timed_out', 'submit_unknown', 'completed'];

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
  noticeLifetimeMs?: number;
}

interface Reacted { job: Job; channelId: string; messageId: string; emoji: string; userId: string; admin: boolean }
type Outcome = 'done' | 'refused';

/**
 * Reactions carry no authorization of their own: every action is checked against the job's requester
 * (or an admin) as stored in SQLite, so it works the same on messages from before a restart.
 */
export function createReactionHandler(deps: ReactionHandlerDeps) {
  const { store, clock, logger, messenger } = deps;
  const controls = createReactionControls({ messenger, logger, clock });
  const tell = createReactorNotifier({ messenger, clock, logger, noticeLifetimeMs: deps.noticeLifetimeMs });

  function audit(r: Reacted, action: string): void {
    if (r.userId === r.job.userId) return;
    store.spend.audit({ guildId: r.job.guildId, actorId: r.userId, action, targetUserId: r.job.userId, jobId: r.job.id, now: clock.now() });
  }

  function confirm(job: Job): void {
    const now = clock.now();
    // The deadline timer may not have fired yet (just after a restart, say): a late ✅ must not start the job.
    if (job.confirmDeadlineAt !== null && job.confirmDeadlineAt <= now) {
      const expired = store.endBeforeSubmission(job.id, 'expired', 'not_confirmed', now);
      if (expired) deps.scheduler.cancelled(expired);
      return;
    }
    const confirmed = store.confirm(job.id, now);
    if (confirmed) deps.scheduler.confirmed(confirmed);
  }

  async function onStatusReaction(r: Reacted): Promise<Outcome> {
    const { job, emoji, userId } = r;
    const requester = userId === job.userId;
    if (emoji === Emoji.confirm) {
      if (!requester) return 'refused';
      if (job.status === 'awaiting_confirmation') confirm(job);
      return 'done';
    }
    if (emoji !== Emoji.cancel) return 'done';
    if (!requester && !r.admin) return 'refused';
    const cancelled = store.endBeforeSubmission(job.id, 'cancelled', requester ? 'cancelled_by_user' : 'cancelled_by_admin', clock.now());
    if (cancelled) {
      deps.scheduler.cancelled(cancelled);
      audit(r, 'cancel_job');
      return 'done';
    }
    const current = store.get(job.id) ?? job;
    if (pastCancelling.includes(current.status)) {
      await tell({ userId, channelId: r.channelId, content: messagesFor(job.locale).reactions.cannotCancelSubmitted(job.id) });
    }
    return 'done';
  }

  async function sendCopy(r: Reacted): Promise<void> {
    if (r.job.erasedAt != null) {
      await tell({ userId: r.userId, channelId: r.channelId, content: messagesFor(r.job.locale).ops.jobErased(r.job.id) });
      return;
    }
    try {
      await deps.scheduler.sendResultByDm(r.job, r.userId);
    } catch (err) {
      const code = discordErrorCode(err);
      logger.info('result_dm_failed', { jobId: r.job.id, userId: r.userId, code });
      if (code === DiscordCode.cannotDmUser) {
        await tell({ userId: r.userId, channelId: r.channelId, content: messagesFor(r.job.locale).reactions.dmClosed, channelOnly: true });
      }
    }
  }

  async function onResultReaction(r: Reacted): Promise<Outcome> {
    const { job, emoji, userId } = r;
    if (emoji === Emoji.dm) {
      await sendCopy(r);
      return 'done';
    }
    if (userId !== job.userId && !r.admin) return emoji === Emoji.confirm ? 'done' : 'refused';
    if (emoji === Emoji.cancel) {
      await messenger.delete(r.channelId, r.messageId)
        .then(() => audit(r, 'delete_result'))
        .catch((err) => logger.warn('result_delete_failed', { jobId: job.id, code: discordErrorCode(err) }));
    } else if (emoji === Emoji.reroll) {
      const outcome = rerollJob(job, userId, deps);
      if (outcome.ok) audit(r, 'reroll_job');
      else if (outcome.message) await tell({ userId, channelId: r.channelId, content: outcome.message(messagesFor(job.locale)) });
    }
    return 'done';
  }

  return {
    async onReactionAdd(reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser): Promise<void> {
      const { channelId, id: messageId } = reaction.message;
      try {
        if (user.id === deps.botUserId()) return;
        const emoji = reaction.emoji.name ?? '';
        if (!Object.values(Emoji).includes(emoji as never)) return;
        const found = store.findByMessageId(messageId);
        if (!found) return;
        const { job, kind } = found;
        const admin = user.id !== job.userId && emoji !== Emoji.dm && await deps.isAdmin(job.guildId, user.id);
        const reacted: Reacted = { job, channelId, messageId, emoji, userId: user.id, admin };
        const outcome = kind === 'status' ? await onStatusReaction(reacted) : await onResultReaction(reacted);
        if (outcome === 'refused') {
          logger.info('reaction_refused', { jobId: job.id, userId: user.id, emoji });
          await messenger.removeUserReaction(channelId, messageId, emoji, user.id)
            .catch((err) => logger.debug('reaction_remove_failed', { jobId: job.id, code: discordErrorCode(err) }));
        }
      } catch (err) {
        logger.error('reaction_failed', { messageId, userId: user.id, err });
      }
    },
    /** Keeps the bot's own ✅/❌ on a status message in line with what the job still allows. */
    syncStatusControls: (job: Job, message?: SentMessage) => controls.syncStatus(job, message),
    addResultControls: (job: Job, message: SentMessage, content: string) => controls.addResult(job, message, content),
    /** A job's channel is gone: its queued reaction writes are dropped. */
    channelGone: (channelId: string) => controls.channelGone(channelId),
  };
}

export type ReactionHandler = ReturnType<typeof createReactionHandler>;
