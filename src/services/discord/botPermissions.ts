import type { Client, PermissionsBitField } from 'discord.js';

/** What the bot may do in a channel, as far as discord.js's cache can tell; undefined where it cannot. */
export type BotPermissions = (channelId: string) => Readonly<PermissionsBitField> | undefined;

/**
 * From the cached server, its roles, the channel's overwrites (a thread's parent's) and the bot's own
 * member, all kept current by the gateway (clientCache.ts keeps exactly these).
 */
export function botPermissionsFrom(client: Client): BotPermissions {
  return (channelId) => {
    const channel = client.channels.cache.get(channelId);
    const me = client.user;
    if (!channel || !me || !('permissionsFor' in channel)) return undefined;
    return channel.permissionsFor(me.id) ?? undefined;
  };
}
