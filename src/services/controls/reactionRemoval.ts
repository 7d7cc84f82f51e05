import { PermissionFlagsBits } from 'discord.js';
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../logger.ts';
import type { AskBotPermissions } from '../discord/botPermissions.ts';
import { DiscordCode, discordErrorCode, type DiscordMessenger } from '../discord/discordMessenger.ts';

/** After Discord refused to take a reaction off in a channel, the bot leaves that channel alone this long. */
const refusedForMs = 10 * 60_000;
const refusingCodes: readonly number[] = [DiscordCode.missingPermissions, DiscordCode.missingAccess];
/** The most refusing channels remembered; beyond it the oldest refusal is forgotten (one more try there). */
const rememberedAtMost = 10_000;

/**
 * Takes a refused reaction off its message. That needs Manage Messages, which README leaves optional,
 * and without it every try is a 403 that Discord counts towards its invalid-request ban (10,000 in 10
 * minutes). So the bot tries only where its permissions say it may (from the channel's last
 * interaction, or asked of Discord) or where it cannot tell, and after a refusal it does not try in
 * that channel again for a while.
 */
export function createReactionRemoval(deps: { messenger: DiscordMessenger; clock: Clock; logger: Logger; botPermissions?: AskBotPermissions }) {
  const { messenger, clock, logger } = deps;
  const refusedUntil = new Map<string, number>();
  const remember = (channelId: string) => {
    refusedUntil.delete(channelId);
    refusedUntil.set(channelId, clock.now() + refusedForMs);
    if (refusedUntil.size > rememberedAtMost) refusedUntil.delete(refusedUntil.keys().next().value as string);
  };

  async function mayTry(channelId: string): Promise<boolean> {
    const until = refusedUntil.get(channelId);
    if (until !== undefined && until > clock.now()) return false;
    if (until !== undefined) refusedUntil.delete(channelId);
    const permissions = await deps.botPermissions?.(channelId);
    return permissions?.has(PermissionFlagsBits.ManageMessages) !== false;
  }

  return async (r: { channelId: string; messageId: string; emoji: string; userId: string; jobId: number }): Promise<void> => {
    if (!(await mayTry(r.channelId))) {
      logger.debug('reaction_left_in_place', { jobId: r.jobId, channelId: r.channelId });
      return;
    }
    try {
      await messenger.removeUserReaction(r.channelId, r.messageId, r.emoji, r.userId);
    } catch (err) {
      const code = discordErrorCode(err);
      if (code !== undefined && refusingCodes.includes(code)) remember(r.channelId);
      logger.debug('reaction_remove_failed', { jobId: r.jobId, code });
    }
  };
}
