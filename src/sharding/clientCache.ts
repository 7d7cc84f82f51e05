import { Options, type CacheFactory, type SweeperOptions, type User } from 'discord.js';

/**
 * What the bot keeps of Discord's state, so memory grows with servers only by what it needs: each
 * server, its roles (members' permissions and admin roles are resolved through them) and the bot's
 * own member. Nothing else is kept: channels (the bot addresses them by id over REST; interactions
 * carry the app's permissions; reactions are read from the raw gateway event), messages, reactions,
 * other members (fetched when needed; interactions carry theirs), emojis, stickers, presences.
 * discord.js calls limiting the channel caches unsupported because its channel-based helpers then
 * find nothing; the bot uses none of them, and the end-to-end suite runs with these limits.
 */
export function boundedCache(): CacheFactory {
  const isSelf = (user: { id: string; client: { user: User | null } }) => user.id === user.client.user?.id;
  return Options.cacheWithLimits({
    // Not in discord.js's CacheFactory typings (see above), but honoured by cacheWithLimits; discord.js
    // prints an UnsupportedCacheOverwriteWarning for each once at start. (Channels' own permission
    // overwrites go with the channels, so they need no limit of their own.)
    ...({ ChannelManager: 0, GuildChannelManager: 0 } as object),
    ThreadManager: 0,
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
    ThreadMemberManager: 0,
    GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => isSelf(member) },
    // Interactions and reactions bring users along; a thousand recent ones is plenty for any lookup.
    UserManager: { maxSize: 1_000, keepOverLimit: (user) => isSelf(user) },
  });
}

/** Archived threads (discord.js's default) and, hourly, every user but the bot itself. */
export function boundedCacheSweepers(): SweeperOptions {
  return {
    ...Options.DefaultSweeperSettings,
    users: { interval: 3_600, filter: () => (user: User) => user.id !== user.client.user?.id },
  };
}
