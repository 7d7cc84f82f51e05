import { PermissionsBitField } from 'discord.js';
import type { Clock } from '../../clock.ts';

/** What the bot may do in a channel, as far as it was lately told; undefined where it cannot tell. */
export type BotPermissions = (channelId: string) => Readonly<PermissionsBitField> | undefined;

/** A role or overwrite changed since an interaction is heard of only through the next one, so its word expires. */
const trustedForMs = 10 * 60_000;
/** The most recently heard channels; older ones are forgotten first. */
const channelsKept = 10_000;

/**
 * The bot's permissions per channel, from the `app_permissions` every interaction carries (Discord
 * computes them from the roles and overwrites, which the bot does not cache: clientCache.ts). Kept a
 * while and for a bounded number of channels, so memory follows the interactions, not the servers.
 */
export function createBotPermissions(clock: Clock, limits = { trustedForMs, channelsKept }) {
  const heard = new Map<string, { bits: bigint; until: number }>();

  function learn(channelId: string | null, permissions: Readonly<PermissionsBitField> | null): void {
    if (channelId === null || permissions === null) return;
    // Re-inserted, so the Map's order stays the order channels were last heard from.
    heard.delete(channelId);
    heard.set(channelId, { bits: permissions.bitfield, until: clock.now() + limits.trustedForMs });
    if (heard.size > limits.channelsKept) heard.delete(heard.keys().next().value as string);
  }

  const of: BotPermissions = (channelId) => {
    const entry = heard.get(channelId);
    if (entry === undefined) return undefined;
    if (entry.until <= clock.now()) {
      heard.delete(channelId);
      return undefined;
    }
    return new PermissionsBitField(entry.bits).freeze();
  };

  return { learn, of, size: () => heard.size };
}
