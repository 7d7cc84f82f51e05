import type { Client } from 'discord.js';
import type { Job } from '../../db/job.ts';
import { DiscordCode, discordErrorCode } from './discordMessenger.ts';

const unknownGuild = 10004;

/**
 * After READY every server the bot is in has arrived (GUILD_CREATE), with its channels and active
 * threads; an archived thread is not cached, so only that case asks Discord.
 */
export function placeLookup(client: Client) {
  return async (job: Pick<Job, 'guildId' | 'channelId'>): Promise<'here' | 'guild_removed' | 'channel_deleted'> => {
    if (!client.guilds.cache.has(job.guildId)) return 'guild_removed';
    if (client.channels.cache.has(job.channelId)) return 'here';
    try {
      await client.channels.fetch(job.channelId);
      return 'here';
    } catch (err) {
      const code = discordErrorCode(err);
      if (code === unknownGuild) return 'guild_removed';
      if (code === DiscordCode.unknownChannel) return 'channel_deleted';
      // Hidden from the bot (a private thread it is not in) is not gone: delivery falls back to a DM there.
      if (code === DiscordCode.missingAccess) return 'here';
      throw err;
    }
  };
}
