import { PermissionFlagsBits as P, type Locale } from 'discord-api-types/v10';
import { permissionsIn } from './fakeDiscordChannels.ts';
import { codePoints } from './fakeDiscordMessages.ts';
import { channelJson, interactionChannelJson, memberJson, messageJson, userJson } from './fakeDiscordPayloads.ts';
import { DEFAULT_ATTACHMENT_LIMIT_BYTES, DEFAULT_PERMISSIONS, type FakeDiscordState, type FakeInteraction, type FakeMessage, type FakeUser } from './fakeDiscordState.ts';

// Message components as Discord delivers them: a click on a button is INTERACTION_CREATE type 3
// (MESSAGE_COMPONENT) carrying the message it sits on; a submitted modal is type 5 (MODAL_SUBMIT)
// carrying the text inputs' values. Both are answered through the same callback route as commands.
// https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
// https://discord.com/developers/docs/components/reference#button

export const COMPONENT_INTERACTION = 3;
export const MODAL_SUBMIT_INTERACTION = 5;

interface Component { type?: unknown; custom_id?: unknown; disabled?: unknown; components?: unknown; component?: unknown }
export interface TextInput { custom_id: string; min_length?: number; max_length?: number; required?: boolean }

/** Every component of a message or modal, rows (type 1) and labels (type 18) opened up. */
function flatten(components: unknown): Component[] {
  if (!Array.isArray(components)) return [];
  return (components as Component[]).flatMap((c) => [c, ...flatten(c.components), ...(c.component ? flatten([c.component]) : [])]);
}

/** The button a member could click: present on the message and not disabled, as Discord's client allows. */
export function findButton(message: FakeMessage, customId: string): Component {
  const button = flatten(message.components).find((c) => c.type === 2 && c.custom_id === customId);
  if (!button) throw new Error(`message ${message.id} has no button ${customId}`);
  if (button.disabled === true) throw new Error(`button ${customId} on message ${message.id} is disabled`);
  return button;
}

export function modalTextInputs(modal: { components?: unknown }): TextInput[] {
  return flatten(modal.components).filter((c) => c.type === 4) as unknown as TextInput[];
}

/** What Discord's client enforces before it lets a modal be submitted; lengths in code points, as Discord counts them. */
export function checkModalValues(inputs: TextInput[], values: Record<string, string>): void {
  for (const key of Object.keys(values)) {
    if (!inputs.some((i) => i.custom_id === key)) throw new Error(`the modal has no text input ${key}`);
  }
  for (const input of inputs) {
    const length = codePoints(values[input.custom_id] ?? '');
    if (input.required !== false && length === 0) throw new Error(`text input ${input.custom_id} is required`);
    if (input.max_length !== undefined && length > input.max_length) throw new Error(`text input ${input.custom_id} allows ${input.max_length} characters`);
    if (length > 0 && input.min_length !== undefined && length < input.min_length) throw new Error(`text input ${input.custom_id} needs ${input.min_length} characters`);
  }
}

export interface ComponentInjection {
  interaction: FakeInteraction;
  user: FakeUser;
  locale: string;
  memberPermissions: string;
  appPermissions: string;
  message?: FakeMessage;
  data: Record<string, unknown>;
}

/**
 * INTERACTION_CREATE of type 3 or 5: in a server with `member`, in a DM with `user`, like Discord. As
 * for a slash command, `channel` is the partial channel it came from (its type, and a thread's
 * metadata) and `app_permissions` what the bot may do there
 * (interactions/receiving-and-responding#interaction-object).
 */
export function componentInteractionJson(state: FakeDiscordState, c: ComponentInjection) {
  const { interaction } = c;
  const inGuild = state.isGuildChannel(interaction.channelId);
  const channel = channelJson(state, interaction.channelId);
  return {
    id: interaction.id,
    application_id: state.appId,
    type: interaction.type,
    token: interaction.token,
    version: 1,
    data: c.data,
    channel_id: interaction.channelId,
    ...(inGuild
      ? {
          guild_id: interaction.guildId,
          guild: { id: interaction.guildId, locale: 'en-US' as Locale, features: [] },
          channel: interactionChannelJson(channel),
          member: { ...memberJson(c.user), permissions: c.memberPermissions },
          guild_locale: 'en-US' as Locale,
          authorizing_integration_owners: { '0': interaction.guildId },
          context: 0,
        }
      : {
          channel: { id: channel.id, type: 1, recipients: [userJson(c.user)] },
          user: userJson(c.user),
          authorizing_integration_owners: { '0': state.guildId },
          context: 1,
        }),
    ...(c.message ? { message: messageJson(state, c.message) } : {}),
    app_permissions: c.appPermissions,
    locale: c.locale as Locale,
    entitlements: [],
    attachment_size_limit: interaction.attachmentSizeLimit,
  };
}

/**
 * What the bot may do where the interaction happened: computed from roles and overwrites in a server;
 * in a DM with the bot, "ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE ... and additionally
 * USE_EXTERNAL_EMOJIS" (interactions/receiving-and-responding#interaction-object).
 */
export function appPermissionsIn(state: FakeDiscordState, channelId: string): string {
  if (state.isGuildChannel(channelId)) return permissionsIn(state, state.botUserId, channelId).toString();
  return (P.AttachFiles | P.EmbedLinks | P.MentionEveryone | P.UseExternalEmojis).toString();
}

/** Who clicks or submits: their locale, roles and permissions as Discord reports them. */
export interface ClickOptions {
  locale?: string;
  roles?: string[];
  username?: string;
  memberPermissions?: string;
  appPermissions?: string;
}

/** Injects clicks and modal submits; `send` dispatches INTERACTION_CREATE and keeps it for replays. */
export class FakeComponents {
  constructor(private readonly state: FakeDiscordState, private readonly send: (interactionId: string, payload: unknown) => void) {}

  /**
   * A member clicks a button: INTERACTION_CREATE type 3 carrying the message, as Discord sends it.
   * Like Discord's client, it refuses a button the message does not show, or shows disabled.
   */
  clickButton(messageId: string, customId: string, userId: string, opts: ClickOptions = {}): { id: string; token: string } {
    const message = this.state.liveMessage(messageId);
    if (!message) throw new Error(`no message ${messageId} to click on`);
    findButton(message, customId);
    return this.inject({ type: COMPONENT_INTERACTION, channelId: message.channel_id, messageId, userId, opts, message,
      data: { custom_id: customId, component_type: 2 } });
  }

  /**
   * What a modified client or a self-bot can send, and Discord's own client never would: a click with
   * any custom id on any message, shown there or not. Discord does not document that it refuses a
   * custom id the message does not carry, so the bot must not rely on it.
   */
  forgeClick(messageId: string, customId: string, userId: string, opts: ClickOptions = {}): { id: string; token: string } {
    const message = this.state.liveMessage(messageId);
    if (!message) throw new Error(`no message ${messageId} to click on`);
    return this.inject({ type: COMPONENT_INTERACTION, channelId: message.channel_id, messageId, userId, opts, message,
      data: { custom_id: customId, component_type: 2 } });
  }

  /** The same for a modal: a submit with any custom id, as if opened from a button on `messageId`. */
  forgeModalSubmit(messageId: string, customId: string, userId: string, values: Record<string, string>, opts: ClickOptions = {}): { id: string; token: string } {
    const message = this.state.liveMessage(messageId);
    if (!message) throw new Error(`no message ${messageId} to submit from`);
    return this.inject({
      type: MODAL_SUBMIT_INTERACTION, channelId: message.channel_id, messageId, userId, opts, message,
      data: {
        custom_id: customId,
        components: Object.entries(values).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })),
      },
    });
  }

  /**
   * Submits the modal the bot opened in answer to `interactionId` (callback type 9): INTERACTION_CREATE
   * type 5 from the same user with each text input's value, checked against the inputs' limits first.
   */
  submitModal(interactionId: string, values: Record<string, string>, opts: ClickOptions = {}): { id: string; token: string } {
    const opener = this.state.interactions.get(interactionId);
    if (!opener?.modal) throw new Error(`interaction ${interactionId} was not answered with a modal`);
    const inputs = modalTextInputs(opener.modal);
    checkModalValues(inputs, values);
    const message = this.state.liveMessage(opener.messageId);
    return this.inject({
      type: MODAL_SUBMIT_INTERACTION, channelId: opener.channelId, messageId: message?.id, userId: opener.userId,
      opts: { locale: opener.locale, ...opts }, message,
      data: {
        custom_id: opener.modal.custom_id,
        components: inputs.map((i) => ({ type: 1, components: [{ type: 4, custom_id: i.custom_id, value: values[i.custom_id] ?? '' }] })),
      },
    });
  }

  private inject(c: { type: number; channelId: string; messageId?: string; userId: string; opts: ClickOptions; message?: FakeMessage; data: Record<string, unknown> }): { id: string; token: string } {
    const state = this.state;
    const user = state.rememberUser(c.userId, {
      ...(c.opts.username ? { username: c.opts.username } : {}),
      ...(c.opts.roles ? { roles: c.opts.roles } : {}),
    });
    const locale = c.opts.locale ?? 'en-US';
    const interaction: FakeInteraction = {
      id: state.nextId(), token: state.newToken(), createdAt: state.now(), channelId: c.channelId, guildId: state.guildIdOf(c.channelId), userId: c.userId,
      attachmentSizeLimit: DEFAULT_ATTACHMENT_LIMIT_BYTES, acked: false, expired: false, type: c.type, locale,
      ...(c.messageId ? { messageId: c.messageId } : {}),
    };
    state.interactions.set(interaction.id, interaction);
    const payload = componentInteractionJson(state, {
      interaction, user, locale, message: c.message, data: c.data,
      memberPermissions: c.opts.memberPermissions ?? DEFAULT_PERMISSIONS,
      appPermissions: c.opts.appPermissions ?? appPermissionsIn(state, c.channelId),
    });
    this.send(interaction.id, payload);
    return { id: interaction.id, token: interaction.token };
  }
}
