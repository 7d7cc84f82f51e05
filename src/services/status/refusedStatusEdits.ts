import type { BotPermissions } from '../discord/botPermissions.ts';

/** The most status messages remembered as refused; beyond it the oldest refusal is forgotten. */
const rememberedAtMost = 1_000;

/**
 * Status messages whose channel refused the bot's edit (403: missing access or permissions). Every
 * further edit there would be refused the same way, and Discord counts each towards its invalid-request
 * ban (10,000 in 10 minutes), so a refused message is not edited again while the bot's permissions in
 * its channel stay as they were when it was refused (as far as the cache can tell: where it cannot,
 * the message is left alone for good).
 */
export function createRefusedStatusEdits(botPermissions?: BotPermissions) {
  const refused = new Map<string, { permissions: bigint | undefined }>();
  const key = (channelId: string, messageId: string) => `${channelId}:${messageId}`;
  const permissionsIn = (channelId: string) => botPermissions?.(channelId)?.bitfield;

  return {
    remember(channelId: string, messageId: string): void {
      const k = key(channelId, messageId);
      refused.delete(k);
      refused.set(k, { permissions: permissionsIn(channelId) });
      if (refused.size > rememberedAtMost) refused.delete(refused.keys().next().value as string);
    },
    /** True while the message's refusal stands: nothing about the bot's permissions there has changed since. */
    refuses(channelId: string, messageId: string): boolean {
      const k = key(channelId, messageId);
      const refusal = refused.get(k);
      if (!refusal) return false;
      if (refusal.permissions === permissionsIn(channelId)) return true;
      refused.delete(k);
      return false;
    },
  };
}

export type RefusedStatusEdits = ReturnType<typeof createRefusedStatusEdits>;
