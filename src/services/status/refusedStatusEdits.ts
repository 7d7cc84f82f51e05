import type { Clock } from '../../clock.ts';
import type { BotPermissions } from '../discord/botPermissions.ts';

/** The most status messages remembered as refused; beyond it the oldest refusal is forgotten. */
const rememberedAtMost = 1_000;
/**
 * Discord's invalid-request window: a refusal also lapses after it, since a 403 can go away with no change
 * the cache shows (the bot re-added to a private thread, a thread unlocked, a channel never cached).
 */
const refusedForMs = 10 * 60_000;

/**
 * Status messages whose channel refused the bot's edit (403: missing access or permissions). Every
 * further edit there would be refused the same way, and Discord counts each towards its invalid-request
 * ban (10,000 in 10 minutes), so a refused message is not edited again while the bot's permissions in
 * its channel stay as they were when it was refused (as far as the channel's interactions lately told,
 * botPermissions.ts: where nothing was told, the message is left alone until something is), and for
 * at most 10 minutes: then one edit tries again.
 */
export function createRefusedStatusEdits(deps: { clock: Clock; botPermissions?: BotPermissions | undefined }) {
  const { clock, botPermissions } = deps;
  const refused = new Map<string, { permissions: bigint | undefined; until: number }>();
  const key = (channelId: string, messageId: string) => `${channelId}:${messageId}`;
  const permissionsIn = (channelId: string) => botPermissions?.(channelId)?.bitfield;

  return {
    remember(channelId: string, messageId: string): void {
      const k = key(channelId, messageId);
      refused.delete(k);
      refused.set(k, { permissions: permissionsIn(channelId), until: clock.now() + refusedForMs });
      if (refused.size > rememberedAtMost) refused.delete(refused.keys().next().value as string);
    },
    /** True while the message's refusal stands: younger than 10 minutes, and the bot's permissions there unchanged. */
    refuses(channelId: string, messageId: string): boolean {
      const k = key(channelId, messageId);
      const refusal = refused.get(k);
      if (!refusal) return false;
      if (clock.now() < refusal.until && refusal.permissions === permissionsIn(channelId)) return true;
      refused.delete(k);
      return false;
    },
  };
}

export type RefusedStatusEdits = ReturnType<typeof createRefusedStatusEdits>;
