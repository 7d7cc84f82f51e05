import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { botCanView, botSeesReactions, isThread, newChannel, permissionsIn, ReactionLimiter, type FakeChannel, type NewChannel } from './fakeDiscordChannels.ts';
import { autocompletePayload } from './fakeDiscordAutocomplete.ts';
import { FakeComponents, type ClickOptions } from './fakeDiscordComponents.ts';
import { FakeGateway } from './fakeDiscordGateway.ts';
import type { AddGuildOptions, FakeGuild } from './fakeDiscordGuilds.ts';
import { botThreadMemberJson, channelJson, interactionCreateJson, reactionAddJson, reactionRemoveJson } from './fakeDiscordPayloads.ts';
import { FakeRest, type FaultAnswer, type FaultMatch } from './fakeDiscordRest.ts';
import { createRoutes } from './fakeDiscordRoutes.ts';
import {
  contentTypeFor,
  DEFAULT_ATTACHMENT_LIMIT_BYTES,
  DEFAULT_PERMISSIONS,
  FakeDiscordState,
  type FakeAttachment,
  type FakeDiscordOptions,
  type FakeMessage,
  type RecordedRequest,
} from './fakeDiscordState.ts';

export type { FakeAttachment, FakeDiscordOptions, FakeInteraction, FakeMessage, FakeUser, RecordedFile, RecordedRequest } from './fakeDiscordState.ts';
export type { FaultAnswer, FaultMatch } from './fakeDiscordRest.ts';
export type { AddGuildOptions, FakeGuild } from './fakeDiscordGuilds.ts';
export { guildIdOnShard, shardOfGuild } from './fakeDiscordGuilds.ts';
export { ChannelKind, type FakeChannel, type FakeOverwrite, type NewChannel } from './fakeDiscordChannels.ts';
export type { ClickOptions } from './fakeDiscordComponents.ts';

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

interface Waiter {
  pred: (r: RecordedRequest) => boolean;
  resolve: (r: RecordedRequest) => void;
  reject: (e: Error) => void;
}

/** Discord's REST API and gateway on one 127.0.0.1 port, for the real discord.js Client. */
export class FakeDiscord {
  readonly botToken: string;
  readonly appId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly botUserId: string;
  readonly requests: RecordedRequest[];
  readonly messages: Map<string, FakeMessage>;
  readonly commands: { global: unknown[]; guild: Map<string, unknown[]> };
  private readonly gateway: FakeGateway;
  private readonly rest: FakeRest;
  private readonly server: Server;
  private readonly waiters = new Set<Waiter>();
  /** INTERACTION_CREATE payloads by interaction id, for replayInteraction. */
  private readonly interactionPayloads = new Map<string, unknown>();
  private readonly components: FakeComponents;

  private constructor(private readonly state: FakeDiscordState) {
    this.botToken = state.botToken;
    this.appId = state.appId;
    this.guildId = state.guildId;
    this.channelId = state.channelIds[0] ?? '';
    this.botUserId = state.botUserId;
    this.requests = state.requests;
    this.messages = state.messages;
    this.commands = state.commands;
    this.gateway = new FakeGateway(state);
    this.components = new FakeComponents(state, (id, payload) => {
      this.interactionPayloads.set(id, payload);
      this.gateway.dispatch('INTERACTION_CREATE', payload);
    });
    const routes = createRoutes(state, () => this.gateway.url, (t, d) => this.gateway.dispatch(t, d));
    this.rest = new FakeRest(state, routes, (r) => this.notify(r));
    this.server = createServer((req, res) => {
      this.rest.handle(req, res).catch((error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))));
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname === '/gateway') this.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(new FakeDiscordState(opts));
    if (opts.reactionsPerSecond) fake.limitReactions(opts.reactionsPerSecond);
    // A deep accept queue: bursts of new connections must not be dropped (and retried seconds later) by the fake.
    await new Promise<void>((resolve) => fake.server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
    fake.state.origin = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Give to discord.js as `rest.api`. */
  get apiBase(): string {
    return `${this.state.origin}/api`;
  }

  get identifyCount(): number {
    return this.gateway.identifyCount;
  }

  get resumeCount(): number {
    return this.gateway.resumeCount;
  }

  /** Gateway events dropped because the bot's IDENTIFY intents did not cover them. */
  get droppedEvents(): readonly string[] {
    return this.gateway.droppedEvents;
  }

  /** Attachment URLs the bot downloaded from the fake. */
  get downloads(): readonly string[] {
    return this.rest.downloads;
  }

  /** Serves `bytes` at http://127.0.0.1:PORT/attachments/<id>/<filename>. */
  addAttachment(a: { filename: string; contentType?: string; bytes: Buffer; width?: number; height?: number; sizeOverride?: number }): FakeAttachment {
    return this.state.storeFile({ ...a, contentType: contentTypeFor(a.filename, a.contentType) });
  }

  /** Adds a server the bot is in (its channels, roles and the bot's member); it arrives on its shard's next IDENTIFY. */
  addGuild(opts: AddGuildOptions = {}): FakeGuild {
    const guild = this.state.guilds.add(opts);
    // Its channels join the fake's channel map (plain text channels), so places' checks apply there too.
    guild.channelIds.forEach((id, i) => this.state.channels.set(id, newChannel(id, { name: i === 0 ? 'general' : `channel-${i + 1}` })));
    return guild;
  }

  /** IDENTIFYs seen, as [shard_id, shard_count]. */
  get identifiedShards(): readonly [number, number][] {
    return this.gateway.identifiedShards;
  }

  /** Injects a chat-input command as INTERACTION_CREATE (in the server of `channelId`). */
  sendCommand(opts: SendCommandOptions): { id: string; token: string } {
    return this.injectCommand(opts);
  }

  /**
   * A member typing in `focused` (an option registered with `autocomplete`): INTERACTION_CREATE type 4
   * with the options filled in so far. The answer's choices are in `interaction(id).choices`.
   */
  sendAutocomplete(opts: SendCommandOptions & { focused: string; text?: string }): { id: string; token: string } {
    return this.injectCommand(opts, { name: opts.focused, text: opts.text ?? '' });
  }

  /** The interaction as the fake saw it answered (callback type, autocomplete choices). */
  interaction(id: string) {
    return this.state.interactions.get(id);
  }

  private injectCommand(opts: SendCommandOptions, focused?: { name: string; text: string }): { id: string; token: string } {
    const state = this.state;
    const userId = opts.userId ?? DEFAULT_USER_ID;
    const isDefault = userId === DEFAULT_USER_ID && !state.users.has(userId);
    const user = state.rememberUser(userId, {
      ...(opts.username ? { username: opts.username } : isDefault ? { username: 'alice', globalName: 'Alice' } : {}),
      ...(opts.roles ? { roles: opts.roles } : {}),
    });
    const id = opts.interactionId ?? state.nextId();
    const token = state.newToken();
    const channelId = opts.channelId ?? this.channelId;
    const guildId = opts.guildId ?? state.guildIdOf(channelId);
    const attachmentSizeLimit = opts.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_LIMIT_BYTES;
    state.interactions.set(id, { id, token, channelId, guildId, userId, attachmentSizeLimit, acked: false, expired: false, createdAt: Date.now(), ...(focused ? { type: 4 } : {}) });
    const registered = [...state.commands.global, ...(state.commands.guild.get(guildId) ?? [])] as { id: string; name: string }[];
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
      appPermissions: opts.appPermissions ?? permissionsIn(state, state.botUserId, channelId).toString(),
      attachmentSizeLimit,
      guildId,
    });
    const command = registered.find((c) => c.name === opts.name) as { options?: { name: string; type: number }[] } | undefined;
    const sent = focused === undefined ? payload
      : autocompletePayload(payload, { ...focused, type: command?.options?.find((o) => o.name === focused.name)?.type ?? 3 });
    this.interactionPayloads.set(id, sent);
    this.gateway.dispatch('INTERACTION_CREATE', sent);
    return { id, token };
  }

  /**
   * A member clicks a button: INTERACTION_CREATE type 3 carrying the message, as Discord sends it.
   * Like Discord's client, it refuses a button the message does not show, or shows disabled.
   */
  clickButton(messageId: string, customId: string, userId: string, opts: ClickOptions = {}): { id: string; token: string } {
    return this.components.clickButton(messageId, customId, userId, opts);
  }

  /** Submits the modal the bot opened in answer to `interactionId` (callback type 9) as type 5. */
  submitModal(interactionId: string, values: Record<string, string>, opts: ClickOptions = {}): { id: string; token: string } {
    return this.components.submitModal(interactionId, values, opts);
  }

  /** Dispatches an earlier INTERACTION_CREATE again, same id and token, as a gateway replay after a resume does. */
  replayInteraction(interactionId: string): void {
    const payload = this.interactionPayloads.get(interactionId);
    if (payload === undefined) throw new Error(`no interaction ${interactionId} to replay`);
    this.gateway.dispatch('INTERACTION_CREATE', payload);
  }

  /** From now on the interaction's callback answers 10062 and its webhook 50027 (15-minute expiry). */
  expireInteraction(interactionId: string): void {
    const interaction = this.state.interactions.get(interactionId);
    if (interaction) interaction.expired = true;
  }

  /** MESSAGE_REACTION_ADD from a user, with member (roles) for guild channels. */
  sendReaction(opts: SendReactionOptions): void {
    const user = this.state.rememberUser(opts.userId, {
      ...(opts.username ? { username: opts.username } : {}),
      ...(opts.roles ? { roles: opts.roles } : {}),
    });
    const known = this.state.messages.get(opts.messageId);
    const message = { id: opts.messageId, channel_id: opts.channelId ?? known?.channel_id ?? this.channelId, ...(known ? { author_id: known.author_id } : {}) };
    if (known) {
      const users = known.reactions.get(opts.emoji) ?? new Set<string>();
      users.add(opts.userId);
      known.reactions.set(opts.emoji, users);
    }
    // Discord sends a private thread's reactions only to its members
    if (!botSeesReactions(this.state, this.state.channels.get(message.channel_id))) return;
    this.gateway.dispatch('MESSAGE_REACTION_ADD', reactionAddJson(this.state, { user, message, emoji: opts.emoji }));
  }

  sendReactionRemove(opts: { userId: string; messageId: string; emoji: string; channelId?: string }): void {
    const known = this.state.messages.get(opts.messageId);
    known?.reactions.get(opts.emoji)?.delete(opts.userId);
    const message = { id: opts.messageId, channel_id: opts.channelId ?? known?.channel_id ?? this.channelId };
    this.gateway.dispatch('MESSAGE_REACTION_REMOVE', reactionRemoveJson(this.state, { userId: opts.userId, message, emoji: opts.emoji }));
  }

  /** Adds a guild channel or thread (CHANNEL_CREATE / THREAD_CREATE when the bot can see it). */
  addChannel(init: NewChannel = {}): FakeChannel {
    const channel = newChannel(init.id ?? this.state.nextId(), init);
    this.state.channels.set(channel.id, channel);
    if (!isThread(channel)) this.gateway.dispatch('CHANNEL_CREATE', channelJson(this.state, channel.id));
    // a private thread reaches only those who can see it: its members and whoever has Manage Threads
    else if (botCanView(this.state, channel)) this.dispatchThread('THREAD_CREATE', channel);
    return channel;
  }

  channel(id: string): FakeChannel {
    const channel = this.state.channels.get(id);
    if (!channel) throw new Error(`no channel ${id}`);
    return channel;
  }

  /** A moderator locks (and by default archives) a thread: THREAD_UPDATE. */
  lockThread(id: string, opts: { archived?: boolean } = {}): void {
    const channel = this.channel(id);
    channel.locked = true;
    channel.archived = opts.archived ?? true;
    this.dispatchThread('THREAD_UPDATE', channel);
  }

  /** Archives a thread without locking it (as inactivity does). */
  archiveThread(id: string): void {
    const channel = this.channel(id);
    channel.archived = true;
    this.dispatchThread('THREAD_UPDATE', channel);
  }

  /**
   * CHANNEL_DELETE (THREAD_DELETE for a thread, with id, guild_id, parent_id and type only); from then
   * on REST answers 10003 Unknown Channel. A deleted channel takes its threads with it. `offline`: it
   * happened while the bot was not connected, so no session will ever carry the event.
   */
  deleteChannel(id: string, opts: { offline?: boolean } = {}): void {
    const channel = this.channel(id);
    const payload = channelJson(this.state, id);
    channel.deleted = true;
    for (const thread of this.state.channels.values()) if (thread.parentId === id) thread.deleted = true;
    if (opts.offline) return;
    if (isThread(channel)) {
      this.gateway.dispatch('THREAD_DELETE', { id, guild_id: this.state.guildIdOf(id), parent_id: channel.parentId, type: channel.type });
    } else {
      this.gateway.dispatch('CHANNEL_DELETE', payload);
    }
  }

  /**
   * The bot is kicked: GUILD_DELETE without `unavailable` (topics/gateway-events#guild-delete); from
   * then on guild routes answer 10004 Unknown Guild and its channels 50001 Missing Access.
   */
  removeGuild(id: string = this.guildId, opts: { offline?: boolean } = {}): void {
    if (id !== this.guildId) throw new Error(`the fake has one guild, ${this.guildId}`);
    this.state.guildRemoved = true;
    if (!opts.offline) this.gateway.dispatch('GUILD_DELETE', { id });
  }

  /** Changes a role's guild-wide permissions (the @everyone role's id is the guild id). */
  setRolePermissions(roleId: string, permissions: bigint | string): void {
    const role = this.state.roles.find((r) => r.id === roleId);
    if (!role) throw new Error(`no role ${roleId}`);
    role.permissions = String(permissions);
  }

  get botRoleId(): string {
    return this.state.botRoleId;
  }

  /** The bot's permissions in a channel, as Discord computes them. */
  botPermissions(channelId: string): bigint {
    return permissionsIn(this.state, this.botUserId, channelId);
  }

  /** Turns on Discord's per-channel reaction limit (about 4 writes a second); `null` turns it off. */
  limitReactions(perSecond: number | null = 4): void {
    this.state.reactionLimiter = perSecond === null ? undefined : new ReactionLimiter(perSecond);
  }

  private dispatchThread(t: string, channel: FakeChannel): void {
    this.gateway.dispatch(t, { ...channelJson(this.state, channel.id), ...botThreadMemberJson(this.state, channel) });
  }

  /** Sends any gateway dispatch as is. */
  dispatch(t: string, d: unknown): void {
    this.gateway.dispatch(t, d);
  }

  /** The next `times` (default 1) requests matching method + path get this answer instead. */
  failNext(match: FaultMatch, answer: FaultAnswer): void {
    this.rest.failNext(match, answer);
  }

  /** Opening the DM works; posting to it answers 403 code 50007, like a user who closed DMs. */
  /** Discord honours a nonce only for a few minutes: this is those minutes passing. */
  forgetNonces(): void {
    this.state.nonces.clear();
  }

  /** The server's AutoMod blocks messages containing any of these words (answers 200000), like a keyword rule. */
  setAutomodKeywords(words: string[]): void {
    this.state.automodKeywords.clear();
    for (const word of words) this.state.automodKeywords.add(word);
  }

  dmFailsFor(userId: string): void {
    this.state.dmFails.add(userId);
  }

  /** The member opened their DMs again. */
  dmOpensFor(userId: string): void {
    this.state.dmFails.delete(userId);
  }

  /** Closes the live gateway socket; 4000 (default) makes discord.js RESUME and get missed events replayed. */
  closeGateway(code = 4000): void {
    this.gateway.close(code);
  }

  /** While down, the live socket is dropped and new ones are cut right after connecting (1006). */
  setGatewayDown(down: boolean): void {
    this.gateway.setDown(down);
  }

  /** Discord forgets the session (a long outage): the bot's RESUME is refused and it identifies afresh. */
  invalidateSession(): void {
    this.gateway.invalidateSession();
  }

  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    const seen = this.requests.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const recent = this.requests.slice(-10).map((r) => `${r.method} ${r.path} -> ${r.status}`);
        reject(new Error(`no matching Discord request within ${timeoutMs} ms; recent: ${recent.join(', ') || 'none'}`));
      }, timeoutMs);
      const waiter: Waiter = {
        pred,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
    });
  }

  async waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Non-deleted messages of a channel (default: the first channel), oldest first. */
  channelMessages(channelId = this.channelId): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId && !m.deleted);
  }

  async stop(): Promise<void> {
    for (const waiter of this.waiters) waiter.reject(new Error('FakeDiscord stopped'));
    this.waiters.clear();
    await this.gateway.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private notify(r: RecordedRequest): void {
    for (const waiter of this.waiters) {
      if (waiter.pred(r)) {
        this.waiters.delete(waiter);
        waiter.resolve(r);
      }
    }
  }
}
