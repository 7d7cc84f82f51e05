import type {
  APIApplicationCommandInteractionDataOption,
  APIChatInputApplicationCommandGuildInteraction,
  GatewayMessageReactionAddDispatchData,
  GatewayMessageReactionRemoveDispatchData,
  GuildMemberFlags,
  Locale,
} from 'discord-api-types/v10';
import { botCanView, isThread, type FakeChannel } from './fakeDiscordChannels.ts';
import type { FakeGuild } from './fakeDiscordGuilds.ts';
import type { FakeAttachment, FakeDiscordState, FakeMessage, FakeRole, FakeUser } from './fakeDiscordState.ts';

// Plain JSON builders for what the fake sends: users carry public_flags, flags and primary_guild so
// that the fake's answers pass discord-api-spec's *ResponseSchema checks.

const JOINED_AT = '2024-01-01T00:00:00.000Z';

export function userJson(user: FakeUser) {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName,
    avatar: null,
    ...(user.bot ? { bot: true } : {}),
    public_flags: 0,
    flags: 0,
    primary_guild: null,
  };
}

export function memberJson(user: FakeUser) {
  return {
    user: userJson(user),
    roles: [...user.roles],
    joined_at: JOINED_AT,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    nick: null,
    avatar: null,
    banner: null,
    premium_since: null,
    pending: false,
    communication_disabled_until: null,
  };
}

export function channelJson(state: FakeDiscordState, channelId: string) {
  const recipient = state.dmChannels.get(channelId);
  if (recipient !== undefined) {
    const user = state.users.get(recipient) ?? state.rememberUser(recipient);
    return { id: channelId, type: 1 as const, last_message_id: null, flags: 0, recipients: [userJson(user)] };
  }
  const channel = state.channels.get(channelId);
  const guild = state.guilds.get(state.guildIdOf(channelId)) ?? state.guilds.primary;
  // Positions count within the channel's own server (the first server's channels come first in the map).
  const position = guild === state.guilds.primary ? [...state.channels.keys()].indexOf(channelId) : guild.channelIds.indexOf(channelId);
  const common = {
    id: channelId,
    type: (channel?.type ?? 0) as 0,
    guild_id: guild.id,
    name: channel?.name ?? 'general',
    parent_id: channel?.parentId ?? null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
  if (channel && isThread(channel)) {
    // resources/channel#thread-metadata-object; `invitable` exists only on private threads
    return {
      ...common,
      owner_id: state.ownerId,
      member_count: channel.members.size,
      message_count: 0,
      total_message_sent: 0,
      thread_metadata: {
        archived: channel.archived,
        locked: channel.locked,
        auto_archive_duration: 1440,
        archive_timestamp: JOINED_AT,
        ...(channel.type === 12 ? { invitable: channel.invitable } : {}),
      },
    };
  }
  return { ...common, position, topic: null, permission_overwrites: (channel?.overwrites ?? []).map((o) => ({ ...o })) };
}

/** The bot's own thread member object, sent with threads it has joined. */
export function botThreadMemberJson(state: FakeDiscordState, channel: FakeChannel) {
  return channel.members.has(state.botUserId)
    ? { member: { id: channel.id, user_id: state.botUserId, join_timestamp: JOINED_AT, flags: 0 } }
    : {};
}

export function guildJson(state: FakeDiscordState, guild: FakeGuild = state.guilds.primary) {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: state.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_progress_bar_enabled: false,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    application_id: null,
    preferred_locale: 'en-US',
    features: [],
    roles: guild.roles.map((role, position) => roleJson(state, role, position)),
    emojis: [],
    stickers: [],
  };
}

/** A role as GUILD_CREATE and GUILD_ROLE_UPDATE carry it; its position is its place in the server's list. */
export function roleJson(state: FakeDiscordState, role: FakeRole, position: number) {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: role.permissions,
    managed: role.managed,
    mentionable: false,
    flags: 0,
    ...(role.managed ? { tags: { bot_id: state.botUserId } } : {}),
  };
}

export function guildCreateJson(state: FakeDiscordState, guild: FakeGuild = state.guilds.primary) {
  // The first server holds every channel and thread the places tests add; the others only their own text channels.
  const own = guild === state.guilds.primary
    ? [...state.channels.values()].filter((c) => state.guildIdOf(c.id) === guild.id)
    : guild.channelIds.map((id) => state.channels.get(id)).filter((c) => c !== undefined);
  const bot = state.users.get(state.botUserId);
  return {
    ...guildJson(state, guild),
    joined_at: JOINED_AT,
    large: false,
    unavailable: false,
    member_count: 2,
    channels: own.filter((c) => !c.deleted && !isThread(c)).map((c) => channelJson(state, c.id)),
    members: bot ? [{ ...memberJson(bot), roles: [guild.botRoleId] }] : [],
    // a bot gets every active thread it can see, with its member object on the ones it joined
    threads: own
      .filter((c) => !c.deleted && isThread(c) && !c.archived && botCanView(state, c))
      .map((c) => ({ ...channelJson(state, c.id), ...botThreadMemberJson(state, c) })),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function readyJson(state: FakeDiscordState, sessionId: string, gatewayUrl: string, shard: [number, number] = [0, 1], guildIds: string[] = [state.guildId]) {
  const bot = state.users.get(state.botUserId);
  return {
    v: 10,
    user: { ...(bot ? userJson(bot) : {}), verified: true, mfa_enabled: false },
    guilds: guildIds.filter((id) => !(state.guildRemoved && id === state.guildId)).map((id) => ({ id, unavailable: true })),
    session_id: sessionId,
    resume_gateway_url: gatewayUrl,
    shard,
    application: { id: state.appId, flags: 0 },
    private_channels: [],
    presences: [],
    relationships: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: [],
    user_settings: {},
  };
}

function attachmentJson(a: FakeAttachment) {
  return { ...a };
}

export function emojiJson(emoji: string): { id: string | null; name: string } {
  const custom = /^(.+):(\d+)$/.exec(emoji);
  return custom ? { id: custom[2] ?? null, name: custom[1] ?? emoji } : { id: null, name: emoji };
}

export function messageJson(state: FakeDiscordState, m: FakeMessage) {
  const author = state.users.get(m.author_id) ?? state.rememberUser(m.author_id);
  const interaction = m.interactionId ? state.interactions.get(m.interactionId) : undefined;
  const interactionUser = interaction ? state.users.get(interaction.userId) : undefined;
  const reactions = [...m.reactions].filter(([, users]) => users.size > 0);
  return {
    id: m.id,
    channel_id: m.channel_id,
    ...(m.guild_id ? { guild_id: m.guild_id } : {}),
    type: m.type,
    author: userJson(author),
    content: m.content,
    embeds: m.embeds,
    components: m.components,
    attachments: m.attachments.map(attachmentJson),
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    timestamp: m.timestamp,
    edited_timestamp: m.edited_timestamp,
    flags: m.flags,
    ...(m.nonce !== undefined ? { nonce: m.nonce } : {}),
    ...(m.message_reference ? { message_reference: { type: 0, ...m.message_reference } } : {}),
    ...(m.webhook ? { webhook_id: state.appId, application_id: state.appId } : {}),
    ...(interaction && interactionUser
      ? {
          interaction_metadata: {
            id: interaction.id,
            type: interaction.type ?? 2,
            user: userJson(interactionUser),
            ...(interaction.type === 3 && interaction.messageId ? { interacted_message_id: interaction.messageId } : {}),
            authorizing_integration_owners: { '0': interaction.guildId },
            ...(interaction.originalId && interaction.originalId !== m.id
              ? { original_response_message_id: interaction.originalId }
              : {}),
          },
        }
      : {}),
    ...(reactions.length
      ? {
          reactions: reactions.map(([emoji, users]) => ({
            emoji: emojiJson(emoji),
            count: users.size,
            count_details: { burst: 0, normal: users.size },
            burst_colors: [],
            me_burst: false,
            me: users.has(state.botUserId),
          })),
        }
      : {}),
  };
}

export interface CommandInjection {
  id: string;
  token: string;
  commandId: string;
  name: string;
  options: unknown[];
  attachments: FakeAttachment[];
  user: FakeUser;
  channelId: string;
  locale: string;
  memberPermissions: string;
  appPermissions: string;
  attachmentSizeLimit: number;
  guildId: string;
}

/** The partial channel of an interaction: its kind, parent and, for threads, their state. */
export function interactionChannelJson(channel: ReturnType<typeof channelJson>) {
  if (!('guild_id' in channel)) return channel;
  const { id, type, guild_id, name, parent_id } = channel;
  return { id, type, guild_id, name, parent_id, flags: 0, ...('thread_metadata' in channel ? { thread_metadata: channel.thread_metadata } : {}) };
}

export function interactionCreateJson(state: FakeDiscordState, c: CommandInjection) {
  const channel = channelJson(state, c.channelId);
  const payload = {
    id: c.id,
    application_id: state.appId,
    type: 2,
    token: c.token,
    version: 1,
    data: {
      id: c.commandId,
      name: c.name,
      type: 1,
      options: c.options as APIApplicationCommandInteractionDataOption[],
      ...(c.attachments.length
        ? { resolved: { attachments: Object.fromEntries(c.attachments.map((a) => [a.id, attachmentJson(a)])) } }
        : {}),
    },
    guild_id: c.guildId,
    guild: { id: c.guildId, locale: 'en-US' as Locale, features: [] },
    channel_id: c.channelId,
    channel: interactionChannelJson(channel) as APIChatInputApplicationCommandGuildInteraction['channel'],
    member: { ...memberJson(c.user), permissions: c.memberPermissions },
    app_permissions: c.appPermissions,
    locale: c.locale as Locale,
    guild_locale: 'en-US' as Locale,
    entitlements: [],
    authorizing_integration_owners: { '0': c.guildId },
    context: 0,
    attachment_size_limit: c.attachmentSizeLimit,
  } satisfies APIChatInputApplicationCommandGuildInteraction;
  return payload;
}

export function reactionAddJson(state: FakeDiscordState, r: { user: FakeUser; message: { id: string; channel_id: string; author_id?: string }; emoji: string }) {
  const inGuild = state.isGuildChannel(r.message.channel_id);
  return {
    user_id: r.user.id,
    channel_id: r.message.channel_id,
    message_id: r.message.id,
    ...(inGuild ? { guild_id: state.guildIdOf(r.message.channel_id), member: memberJson(r.user) } : {}),
    emoji: emojiJson(r.emoji),
    burst: false,
    burst_colors: [],
    type: 0,
    ...(r.message.author_id ? { message_author_id: r.message.author_id } : {}),
  } satisfies GatewayMessageReactionAddDispatchData;
}

export function reactionRemoveJson(state: FakeDiscordState, r: { userId: string; message: { id: string; channel_id: string }; emoji: string }) {
  const inGuild = state.isGuildChannel(r.message.channel_id);
  return {
    user_id: r.userId,
    channel_id: r.message.channel_id,
    message_id: r.message.id,
    ...(inGuild ? { guild_id: state.guildIdOf(r.message.channel_id) } : {}),
    emoji: emojiJson(r.emoji),
    burst: false,
    type: 0,
  } satisfies GatewayMessageReactionRemoveDispatchData;
}
