import { Options, type CacheFactory, type SweeperOptions, type User } from 'discord.js';

/**
 * What the bot keeps of Discord's state, so memory grows with servers only by what it needs: each
 * server, its channels (reaction events are dropped for uncached channels) and roles (members' admin
 * roles are resolved through them), and the bot's own member. Messages, reactions and other members
 * are never kept: reactions on uncached messages arrive as partials, members are fetched when needed,
 * and interactions carry their member. discord.js does not support limiting the guild, channel and
 * role caches, so those stay whole.
 */
export function boundedCache(): CacheFactory {
  const isSelf = (user: { id: string; client: { user: User | null } }) => user.id === user.client.user?.id;
  return Options.cacheWithLimits({
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
