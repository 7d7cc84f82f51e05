import type { Config } from '../../config.ts';
import type { Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { CommandMention } from '../../i18n/commandNames.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { Logger } from '../../logger.ts';
import type { AdminCheck } from '../discord/adminCheck.ts';
import type { Clock } from '../../clock.ts';
import type { DiscordMessenger, SentMessage } from '../discord/discordMessenger.ts';
import type { JobIntake } from '../jobs/jobIntake.ts';
import type { JobScheduler } from '../jobs/jobScheduler.ts';
import type { AskBotPermissions } from '../discord/botPermissions.ts';
import { createReactionControls } from './reactionControls.ts';
import { createReactionRemoval } from './reactionRemoval.ts';
import { createReactorNotifier } from './reactorNotifier.ts';
import { createJobActions, type ActionOutcome, type Actor, type JobActions } from './jobActions.ts';

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
  /** The bot's permissions in a channel (botPermissions.ts): a refused reaction is taken off only with Manage Messages. */
  botPermissions?: AskBotPermissions;
  noticeLifetimeMs?: number;
  /** Shared with the buttons; built here when not given. */
  actions?: JobActions;
  mention: CommandMention;
}

interface Reacted { job: Job; channelId: string; messageId: string; emoji: string; actor: Actor }

/** What a reaction event must tell: discord.js's MessageReaction and User, or the gateway payload's fields. */
export interface ReactionEvent { message: { id: string; channelId: string }; emoji: { name: string | null } }

/**
 * Reactions carry no authorization of their own: every action is checked against the job's requester
 * (or an admin) as stored in SQLite, so it works the same on messages from before a restart. The
 * actions themselves are the buttons' too (jobActions.ts).
 */
export function createReactionHandler(deps: ReactionHandlerDeps) {
  const { store, clock, logger, messenger } = deps;
  const controls = createReactionControls({ messenger, logger, clock, mention: deps.mention });
  const tell = createReactorNotifier({ messenger, clock, logger, noticeLifetimeMs: deps.noticeLifetimeMs });
  const actions = deps.actions ?? createJobActions(deps);
  const takeOff = createReactionRemoval({ messenger, clock, logger, botPermissions: deps.botPermissions });

  async function act(r: Reacted, kind: 'status' | 'result'): Promise<ActionOutcome | undefined> {
    const { job, emoji, actor } = r;
    if (kind === 'status') {
      if (emoji === Emoji.confirm) return actions.start(job, actor);
      if (emoji === Emoji.cancel) return actions.cancel(job, actor);
      return undefined;
    }
    // A failed DM other than closed DMs is logged by the action; the reaction just does nothing.
    if (emoji === Emoji.dm) return actions.dm(job, actor, r.channelId).catch(() => undefined);
    if (emoji === Emoji.reroll) return actions.again(job, actor);
    // The bot's ❌ on a result stands for Delete; a delete that fails is logged and leaves things as they were.
    if (emoji === Emoji.cancel) return actions.deleteResult(job, actor, r.channelId, r.messageId).catch(() => undefined);
    return undefined;
  }

  return {
    async onReactionAdd(reaction: ReactionEvent, user: { id: string }): Promise<void> {
      const { channelId, id: messageId } = reaction.message;
      try {
        if (user.id === deps.botUserId()) return;
        const emoji = reaction.emoji.name ?? '';
        if (!Object.values(Emoji).includes(emoji as never)) return;
        const found = await store.findByMessageId(messageId);
        if (!found) return;
        const { job, kind } = found;
        const admin = user.id !== job.userId && emoji !== Emoji.dm && await deps.isAdmin(job.guildId, user.id);
        const reacted: Reacted = { job, channelId, messageId, emoji, actor: { userId: user.id, admin } };
        const outcome = await act(reacted, kind);
        if (outcome?.refused) {
          logger.info('reaction_refused', { jobId: job.id, userId: user.id, emoji });
          await takeOff({ channelId, messageId, emoji, userId: user.id, jobId: job.id });
        }
        if (outcome?.tell) {
          // A reaction has no reply of its own: words go to the reactor in the job's language, as before buttons.
          const content = outcome.reply(messagesFor(job.locale));
          await tell({ userId: user.id, channelId, content, channelOnly: outcome.channelOnly });
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
