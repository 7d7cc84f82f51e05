import { Events, type Client } from 'discord.js';
import type { Logger } from '../../logger.ts';

/**
 * With ALLOWED_GUILD_IDS set, the operator learns of every other server the bot is in: once at start
 * for each server it is already in, and whenever it is added to one. Commands there are refused by the
 * interaction router; the bot does not leave on its own (that is the operator's call).
 */
export function watchAllowedGuilds(client: Client, allowedGuildIds: readonly string[], logger: Logger): void {
  if (allowedGuildIds.length === 0) return;
  const check = (guildId: string, when: 'start' | 'joined') => {
    if (!allowedGuildIds.includes(guildId)) logger.warn('guild_not_allowed', { guildId, when });
  };
  client.once(Events.ClientReady, (ready) => {
    for (const guildId of ready.guilds.cache.keys()) check(guildId, 'start');
  });
  client.on(Events.GuildCreate, (guild) => check(guild.id, 'joined'));
}
