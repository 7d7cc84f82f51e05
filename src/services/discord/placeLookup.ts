import { GatewayDispatchEvents, type Client } from 'discord.js';
import type { Job } from '../../db/job.ts';
import { DiscordCode, discordErrorCode } from './discordMessenger.ts';

const unknownGuild = 10004;

export type PlaceAnswer = 'here' | 'guild_removed' | 'channel_deleted';

/**
 * The ids of every channel and active thread the servers' GUILD_CREATEs list while the bot starts. Only
 * threads stay cached (clientCache.ts), so this is what tells a channel deleted while the bot was down
 * from one that is there; the ids are dropped once the start-up check is done.
 */
export function watchStartupChannels(client: Client) {
  const ids = new Set<string>();
  const onGuild = (guild: { channels?: { id: string }[]; threads?: { id: string }[] }) => {
    for (const channel of [...(guild.channels ?? []), ...(guild.threads ?? [])]) ids.add(channel.id);
  };
  client.ws.on(GatewayDispatchEvents.GuildCreate, onGuild);
  return {
    has: (channelId: string) => ids.has(channelId),
    stop(): void {
      client.ws.off(GatewayDispatchEvents.GuildCreate, onGuild);
      ids.clear();
    },
  };
}

/**
 * After READY every server the bot is in has arrived (GUILD_CREATE), with its channels and active
 * threads; an archived thread is in neither, so only that case asks Discord, once per channel however
 * many jobs wait there.
 */
export function placeLookup(client: Client, startupChannels: { has: (channelId: string) => boolean }) {
  const asked = new Map<string, Promise<PlaceAnswer>>();
  const ask = async (channelId: string): Promise<PlaceAnswer> => {
    try {
      await client.channels.fetch(channelId, { cache: false });
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
  return async (job: Pick<Job, 'guildId' | 'channelId'>): Promise<PlaceAnswer> => {
    if (!client.guilds.cache.has(job.guildId)) return 'guild_removed';
    if (startupChannels.has(job.channelId) || client.channels.cache.has(job.channelId)) return 'here';
    let answer = asked.get(job.channelId);
    if (!answer) asked.set(job.channelId, (answer = ask(job.channelId)));
    return answer;
  };
}
