import { Options, type CacheFactory, type SweeperOptions, type User } from 'discord.js';

/**
 * What the bot keeps of Discord's state, so memory grows with servers only by what it needs: each
 * server, its roles (members' permissions and admin roles are resolved through them), its channels
 * and active threads (a deleted channel or server must be matched to the jobs in it, and a thread's
 * kind, lock and the bot's membership decide where it may post), and the bot's own member in servers
 * and threads. Nothing else is kept: messages, reactions, other members (fetched when needed;
 * interactions carry theirs), emojis, stickers, presences.
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
    // A thread's `joined` is the bot's own thread member.
    ThreadMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user?.id },
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
