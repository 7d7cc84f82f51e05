import { Collection, Options, type CacheFactory, type Channel, type SweeperOptions, type User } from 'discord.js';

/**
 * The channel caches, keeping threads only. discord.js warns against size-limiting these two caches,
 * since its own channel-based helpers then find nothing; the bot uses none of them (it reads the
 * interaction's channel, its `app_permissions` and the gateway's payloads, and writes over REST),
 * which the e2e tests cover.
 */
class ThreadsOnly extends Collection<string, Channel> {
  override set(id: string, channel: Channel): this {
    return channel.isThread() ? super.set(id, channel) : this;
  }
}
const channelCaches = new Set(['ChannelManager', 'GuildChannelManager']);

/**
 * What the bot keeps of Discord's state, so memory grows with servers only by what it needs: each
 * server, its roles (members' permissions and admin roles are resolved through them), its active
 * threads (whether the bot is a member of a private thread is known only from its cached thread
 * member), and the bot's own member in servers and threads. Nothing else is kept: other channels (an
 * interaction carries its channel's kind and the bot's permissions there, botPermissions.ts remembers
 * those a while, and a deleted channel is matched to its jobs by id), messages, reactions, other
 * members (fetched when needed; interactions carry theirs), emojis, stickers, presences.
 */
export function boundedCache(): CacheFactory {
  const isSelf = (user: { id: string; client: { user: User | null } }) => user.id === user.client.user?.id;
  const limited = Options.cacheWithLimits({
    MessageManager: 0,
    ReactionManager: 0,
    ReactionUserManager: 0,
    PresenceManager: 0,
    VoiceStateManager: 0,
    GuildEmojiManager: 0,
    BaseGuildEmojiManager: 0,
    GuildStickerManager: 0,
    StageInstanceManager: 0,
    GuildScheduledEventManager: 0,
    GuildInviteManager: 0,
    GuildBanManager: 0,
    AutoModerationRuleManager: 0,
    ApplicationCommandManager: 0,
    ApplicationEmojiManager: 0,
    EntitlementManager: 0,
    // A thread's `joined` is the bot's own thread member.
    ThreadMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user?.id },
    GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => isSelf(member) },
    // Interactions and reactions bring users along; a thousand recent ones is plenty for any lookup.
    UserManager: { maxSize: 1_000, keepOverLimit: (user) => isSelf(user) },
  });
  return ((managerType, holds, manager) => (channelCaches.has(manager.name) ? new ThreadsOnly() : limited(managerType, holds, manager))) as CacheFactory;
}

/** Archived threads (discord.js's default) and, hourly, every user but the bot itself. */
export function boundedCacheSweepers(): SweeperOptions {
  return {
    ...Options.DefaultSweeperSettings,
    users: { interval: 3_600, filter: () => (user: User) => user.id !== user.client.user?.id },
  };
}
