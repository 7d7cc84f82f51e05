import { PermissionsBitField, type Client } from 'discord.js';
import type { Clock } from '../../clock.ts';

type Permissions = Readonly<PermissionsBitField>;

/** What the bot may do in a channel, as far as it was lately told; undefined where it cannot tell. */
export type BotPermissions = (channelId: string) => Permissions | undefined;
/** The same, asking Discord where nothing was told lately. */
export type AskBotPermissions = (channelId: string) => Promise<Permissions | undefined>;

/** A role or overwrite changed since is heard of only through the next interaction or lookup, so what was heard expires. */
const trustedForMs = 10 * 60_000;
/** The most recently heard channels; older ones are forgotten first. */
const channelsKept = 10_000;

/**
 * The bot's permissions per channel, from the `app_permissions` every interaction carries (Discord
 * computes them from the roles and overwrites, and the bot caches no channels: clientCache.ts), or,
 * for a channel no interaction came from lately, from `lookup` (once per channel however many ask at
 * a time). Kept a while and for a bounded number of channels, so memory follows the interactions, not
 * the servers.
 */
export function createBotPermissions(deps: {
  clock: Clock;
  lookup?: (channelId: string) => Promise<Permissions | undefined>;
  limits?: { trustedForMs: number; channelsKept: number };
}) {
  const { clock, lookup } = deps;
  const limits = deps.limits ?? { trustedForMs, channelsKept };
  const heard = new Map<string, { bits: bigint; until: number }>();
  const asking = new Map<string, Promise<Permissions | undefined>>();

  function learn(channelId: string | null, permissions: Permissions | null): void {
    if (channelId === null || permissions === null) return;
    // Re-inserted, so the Map's order stays the order channels were last heard from.
    heard.delete(channelId);
    heard.set(channelId, { bits: permissions.bitfield, until: clock.now() + limits.trustedForMs });
    if (heard.size > limits.channelsKept) heard.delete(heard.keys().next().value as string);
  }

  const known: BotPermissions = (channelId) => {
    const entry = heard.get(channelId);
    if (entry === undefined) return undefined;
    if (entry.until <= clock.now()) {
      heard.delete(channelId);
      return undefined;
    }
    return new PermissionsBitField(entry.bits).freeze();
  };

  const ask: AskBotPermissions = async (channelId) => {
    const told = known(channelId);
    if (told !== undefined || lookup === undefined) return told;
    let answer = asking.get(channelId);
    if (answer === undefined) {
      answer = lookup(channelId).catch(() => undefined).then((found) => {
        asking.delete(channelId);
        if (found !== undefined) learn(channelId, found);
        return found;
      });
      asking.set(channelId, answer);
    }
    return answer;
  };

  return { learn, known, ask, size: () => heard.size };
}

/**
 * Reads a channel's overwrites over REST (a thread's are its parent's) and resolves them with the
 * cached server roles and the bot's own member; undefined where Discord does not answer.
 */
export function permissionsOverRest(client: Client): (channelId: string) => Promise<Permissions | undefined> {
  const fetchChannel = (id: string) => client.channels.fetch(id, { cache: false });
  return async (channelId) => {
    const me = client.user;
    if (me === null) return undefined;
    let channel = await fetchChannel(channelId);
    if (channel?.isThread()) channel = channel.parentId === null ? null : await fetchChannel(channel.parentId);
    if (channel === null || !('permissionsFor' in channel)) return undefined;
    return channel.permissionsFor(me.id) ?? undefined;
  };
}
