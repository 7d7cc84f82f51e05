import { autocompletePayload } from './fakeDiscordAutocomplete.ts';
import { botSeesReactions } from './fakeDiscordChannels.ts';
import { appPermissionsIn } from './fakeDiscordComponents.ts';
import { interactionCreateJson, reactionAddJson, reactionRemoveJson } from './fakeDiscordPayloads.ts';
import { DEFAULT_ATTACHMENT_LIMIT_BYTES, DEFAULT_PERMISSIONS, type FakeAttachment, type FakeDiscordState } from './fakeDiscordState.ts';

export const DEFAULT_USER_ID = '1500000000000000001';

export interface SendCommandOptions {
  name: string;
  /** e.g. [{ name: 'prompt', type: 3, value: 'a cat' }, { name: 'image', type: 11, value: attachment.id }] */
  options?: unknown[];
  /** resolved attachments (from addAttachment), referenced by type-11 options */
  attachments?: FakeAttachment[];
  userId?: string;
  username?: string;
  locale?: string;
  channelId?: string;
  memberPermissions?: string;
  roles?: string[];
  /** Default: the bot's permissions in the channel, computed from roles and overwrites as Discord does. */
  appPermissions?: string;
  /** A server other than the fake's own one, which the bot is not in. */
  guildId?: string;
  attachmentSizeLimit?: number;
  interactionId?: string;
}

export interface SendReactionOptions {
  userId: string;
  messageId: string;
  emoji: string;
  channelId?: string;
  roles?: string[];
  username?: string;
}

type Dispatch = (t: string, d: unknown) => void;

/** What members do that reaches the bot over the gateway: commands and reactions. */
export class FakeInjections {
  /** INTERACTION_CREATE payloads by interaction id, for replays. */
  private readonly interactionPayloads = new Map<string, unknown>();

  constructor(private readonly state: FakeDiscordState, private readonly dispatch: Dispatch) {}

  /** Dispatches an INTERACTION_CREATE and keeps it, so a test can replay it as a resumed session would. */
  sendInteraction(interactionId: string, payload: unknown): void {
    this.interactionPayloads.set(interactionId, payload);
    this.dispatch('INTERACTION_CREATE', payload);
  }

  /** A chat-input command, or with `focused` the autocomplete interaction of one of its options. */
  sendCommand(opts: SendCommandOptions, defaultChannelId: string, focused?: { name: string; text: string }): { id: string; token: string } {
    const state = this.state;
    const userId = opts.userId ?? DEFAULT_USER_ID;
    const isDefault = userId === DEFAULT_USER_ID && !state.users.has(userId);
    const user = state.rememberUser(userId, {
      ...(opts.username ? { username: opts.username } : isDefault ? { username: 'alice', globalName: 'Alice' } : {}),
      ...(opts.roles ? { roles: opts.roles } : {}),
    });
    const id = opts.interactionId ?? state.nextId();
    const token = state.newToken();
    const channelId = opts.channelId ?? defaultChannelId;
    const guildId = opts.guildId ?? state.guildIdOf(channelId);
    const attachmentSizeLimit = opts.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_LIMIT_BYTES;
    state.interactions.set(id, {
      id, token, createdAt: state.now(), channelId, guildId, userId, attachmentSizeLimit, acked: false, expired: false, ...(focused ? { type: 4 } : {}),
    });
    const registered = [...state.commands.global, ...(state.commands.guild.get(guildId) ?? [])] as { id: string; name: string; options?: { name: string; type: number }[] }[];
    const payload = interactionCreateJson(state, {
      id,
      token,
      commandId: registered.find((c) => c.name === opts.name)?.id ?? state.nextId(),
      name: opts.name,
      options: opts.options ?? [],
      attachments: opts.attachments ?? [],
      user,
      channelId,
      locale: opts.locale ?? 'en-US',
      memberPermissions: opts.memberPermissions ?? DEFAULT_PERMISSIONS,
      appPermissions: opts.appPermissions ?? appPermissionsIn(state, channelId),
      attachmentSizeLimit,
      guildId,
    });
    const command = registered.find((c) => c.name === opts.name);
    this.sendInteraction(id, focused === undefined ? payload
      : autocompletePayload(payload, { ...focused, type: command?.options?.find((o) => o.name === focused.name)?.type ?? 3 }));
    return { id, token };
  }

  replayInteraction(interactionId: string): void {
    const payload = this.interactionPayloads.get(interactionId);
    if (payload === undefined) throw new Error(`no interaction ${interactionId} to replay`);
    this.dispatch('INTERACTION_CREATE', payload);
  }

  sendReaction(opts: SendReactionOptions, defaultChannelId: string): void {
    const user = this.state.rememberUser(opts.userId, {
      ...(opts.username ? { username: opts.username } : {}),
      ...(opts.roles ? { roles: opts.roles } : {}),
    });
    const known = this.state.messages.get(opts.messageId);
    const message = { id: opts.messageId, channel_id: opts.channelId ?? known?.channel_id ?? defaultChannelId, ...(known ? { author_id: known.author_id } : {}) };
    if (known) {
      const users = known.reactions.get(opts.emoji) ?? new Set<string>();
      users.add(opts.userId);
      known.reactions.set(opts.emoji, users);
    }
    // Discord sends a private thread's reactions only to its members
    if (!botSeesReactions(this.state, this.state.channels.get(message.channel_id))) return;
    this.dispatch('MESSAGE_REACTION_ADD', reactionAddJson(this.state, { user, message, emoji: opts.emoji }));
  }

  sendReactionRemove(opts: { userId: string; messageId: string; emoji: string; channelId?: string }, defaultChannelId: string): void {
    const known = this.state.messages.get(opts.messageId);
    known?.reactions.get(opts.emoji)?.delete(opts.userId);
    const message = { id: opts.messageId, channel_id: opts.channelId ?? known?.channel_id ?? defaultChannelId };
    this.dispatch('MESSAGE_REACTION_REMOVE', reactionRemoveJson(this.state, { userId: opts.userId, message, emoji: opts.emoji }));
  }
}
