import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newChannel, permissionsIn, type FakeChannel, type NewChannel } from './fakeDiscordChannels.ts';
import { FakeComponents, type ClickOptions } from './fakeDiscordComponents.ts';
import { FakeGateway } from './fakeDiscordGateway.ts';
import type { AddGuildOptions, FakeGuild } from './fakeDiscordGuilds.ts';
import { roleJson } from './fakeDiscordPayloads.ts';
import { FakeInjections, type SendCommandOptions, type SendReactionOptions } from './fakeDiscordInjections.ts';
import { FakePlaceChanges } from './fakeDiscordPlaceChanges.ts';
import { FakeRest, type FaultAnswer, type FaultMatch } from './fakeDiscordRest.ts';
import { createRoutes } from './fakeDiscordRoutes.ts';
import type { FakeCdn } from './fakeDiscordCdn.ts';
import {
  contentTypeFor,
  FakeDiscordState,
  type FakeAttachment,
  type FakeDiscordOptions,
  type FakeMessage,
  type InvalidRequest,
  type RecordedRequest,
} from './fakeDiscordState.ts';
import { FakeWaiters } from './fakeDiscordWaiters.ts';

export type { FakeAttachment, FakeDiscordOptions, FakeInteraction, FakeMessage, FakeUser, InvalidRequest, RecordedFile, RecordedRequest } from './fakeDiscordState.ts';
export type { FaultAnswer, FaultMatch } from './fakeDiscordRest.ts';
export type { AddGuildOptions, FakeGuild } from './fakeDiscordGuilds.ts';
export { guildIdOnShard, shardOfGuild } from './fakeDiscordGuilds.ts';
export { ChannelKind, type FakeChannel, type FakeOverwrite, type NewChannel } from './fakeDiscordChannels.ts';
export type { ClickOptions } from './fakeDiscordComponents.ts';
export { DEFAULT_USER_ID, type SendCommandOptions, type SendReactionOptions } from './fakeDiscordInjections.ts';

/**
 * Discord's REST API and gateway on one 127.0.0.1 port, for the real discord.js Client. It holds the
 * bot to Discord's rules where a test could otherwise prove less than it seems: docs/fake-discord.md
 * lists what it models, with the Discord documentation each rule follows, and what it does not.
 */
export class FakeDiscord {
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
  private readonly waiters: FakeWaiters;
  private readonly injections: FakeInjections;
  private readonly components: FakeComponents;
  private readonly places: FakePlaceChanges;

  private constructor(private readonly state: FakeDiscordState) {
    this.appId = state.appId;
    this.guildId = state.guildId;
    this.channelId = state.channelIds[0] ?? '';
    this.botUserId = state.botUserId;
    this.requests = state.requests;
    this.messages = state.messages;
    this.commands = state.commands;
    this.gateway = new FakeGateway(state);
    const dispatch = (t: string, d: unknown) => this.gateway.dispatch(t, d);
    this.injections = new FakeInjections(state, dispatch);
    this.components = new FakeComponents(state, (id, payload) => this.injections.sendInteraction(id, payload));
    this.places = new FakePlaceChanges(state, dispatch);
    this.waiters = new FakeWaiters(state.requests);
    this.rest = new FakeRest(state, createRoutes(state, () => this.gateway.url, dispatch), (r) => this.waiters.notify(r));
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
    // A deep accept queue: bursts of new connections must not be dropped (and retried seconds later) by the fake.
    await new Promise<void>((resolve) => fake.server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
    fake.state.origin = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Give to discord.js as `rest.api`. */
  get apiBase(): string {
    return `${this.state.origin}/api`;
  }

  /** The bot's token; a new one after the day's session starts ran out (the old one then fails). */
  get botToken(): string {
    return this.state.botToken;
  }

  get identifyCount(): number {
    return this.gateway.identifyCount;
  }

  get resumeCount(): number {
    return this.gateway.resumeCount;
  }

  /** IDENTIFYs refused with Invalid Session (op 9): their bucket had identified less than 5 s before. */
  get identifyRefusals(): number {
    return this.gateway.identifyRefusals;
  }

  /** `session_start_limit` as GET /gateway/bot reports it now. */
  get sessionStartLimit(): { total: number; remaining: number; reset_after: number; max_concurrency: number } {
    return this.state.identifyLimits.sessionStartLimit();
  }

  /** Gateway events dropped because the bot's IDENTIFY intents did not cover them. */
  get droppedEvents(): readonly string[] {
    return this.gateway.droppedEvents;
  }

  /** The attachment CDN: its links carry `ex`, and `cdn.advance(ms)` moves its clock past it. */
  get cdn(): FakeCdn {
    return this.state.cdn;
  }

  /** Gateway events no session delivered: sent while the shard had no session, or left behind by a session a new IDENTIFY replaced. */
  get undeliveredEvents(): readonly string[] {
    return this.gateway.undeliveredEvents;
  }

  /** The 401, 403 and 429 (not `shared`) answers, which Discord counts towards its ban at 10,000 in 10 minutes. */
  get invalidRequests(): readonly InvalidRequest[] {
    return this.state.invalidRequests;
  }

  /** Attachment URLs the bot downloaded from the fake. */
  get downloads(): readonly string[] {
    return this.rest.downloads;
  }

  /** Moves Discord's clock on: interactions age (3 s to answer, 15 minutes per token), limits reset. */
  advanceTime(ms: number): void {
    this.state.clock.advance(ms);
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

  /** Injects a chat-input command as INTERACTION_CREATE (in the server of `channelId`); its 3 s start now. */
  sendCommand(opts: SendCommandOptions): { id: string; token: string } {
    return this.injections.sendCommand(opts, this.channelId);
  }

  /**
   * A member typing in `focused` (an option registered with `autocomplete`): INTERACTION_CREATE type 4
   * with the options filled in so far. The answer's choices are in `interaction(id).choices`.
   */
  sendAutocomplete(opts: SendCommandOptions & { focused: string; text?: string }): { id: string; token: string } {
    return this.injections.sendCommand(opts, this.channelId, { name: opts.focused, text: opts.text ?? '' });
  }

  /** The interaction as the fake saw it answered (callback type, autocomplete choices). */
  interaction(id: string) {
    return this.state.interactions.get(id);
  }

  /**
   * A member clicks a button: INTERACTION_CREATE type 3 carrying the message, as Discord sends it.
   * Like Discord's client, it refuses a button the message does not show, or shows disabled.
   */
  clickButton(messageId: string, customId: string, userId: string, opts: ClickOptions = {}): { id: string; token: string } {
    return this.components.clickButton(messageId, customId, userId, opts);
  }

  /** A click Discord's client would not send: any custom id on any message (fakeDiscordComponents.ts). */
  forgeClick(messageId: string, customId: string, userId: string, opts: ClickOptions = {}): { id: string; token: string } {
    return this.components.forgeClick(messageId, customId, userId, opts);
  }

  /** A modal submit with any custom id, as if opened from a button on `messageId`. */
  forgeModalSubmit(messageId: string, customId: string, userId: string, values: Record<string, string>, opts: ClickOptions = {}): { id: string; token: string } {
    return this.components.forgeModalSubmit(messageId, customId, userId, values, opts);
  }

  /** Submits the modal the bot opened in answer to `interactionId` (callback type 9) as type 5. */
  submitModal(interactionId: string, values: Record<string, string>, opts: ClickOptions = {}): { id: string; token: string } {
    return this.components.submitModal(interactionId, values, opts);
  }

  /** Dispatches an earlier INTERACTION_CREATE again, same id and token, as a gateway replay after a resume does. */
  replayInteraction(interactionId: string): void {
    this.injections.replayInteraction(interactionId);
  }

  /** From now on the interaction's callback answers 10062 and its webhook 50027, as after its 15 minutes. */
  expireInteraction(interactionId: string): void {
    const interaction = this.state.interactions.get(interactionId);
    if (interaction) interaction.expired = true;
  }

  /** MESSAGE_REACTION_ADD from a user, with member (roles) for guild channels. */
  sendReaction(opts: SendReactionOptions): void {
    this.injections.sendReaction(opts, this.channelId);
  }

  sendReactionRemove(opts: { userId: string; messageId: string; emoji: string; channelId?: string }): void {
    this.injections.sendReactionRemove(opts, this.channelId);
  }

  /** Adds a guild channel or thread (CHANNEL_CREATE / THREAD_CREATE when the bot can see it). */
  addChannel(init: NewChannel = {}): FakeChannel {
    return this.places.addChannel(init);
  }

  channel(id: string): FakeChannel {
    return this.places.channel(id);
  }

  /** A moderator locks (and by default archives) a thread: THREAD_UPDATE. */
  lockThread(id: string, opts: { archived?: boolean } = {}): void {
    this.places.lockThread(id, opts);
  }

  /** Archives a thread without locking it (as inactivity does). */
  archiveThread(id: string): void {
    this.places.archiveThread(id);
  }

  /**
   * CHANNEL_DELETE (THREAD_DELETE for a thread, with id, guild_id, parent_id and type only); from then
   * on REST answers 10003 Unknown Channel. A deleted channel takes its threads with it. `offline`: it
   * happened while the bot was not connected, so no session will ever carry the event.
   */
  deleteChannel(id: string, opts: { offline?: boolean } = {}): void {
    this.places.deleteChannel(id, opts);
  }

  /**
   * The bot is kicked: GUILD_DELETE without `unavailable` (topics/gateway-events#guild-delete); from
   * then on guild routes answer 10004 Unknown Guild and its channels 50001 Missing Access.
   */
  removeGuild(id: string = this.guildId, opts: { offline?: boolean } = {}): void {
    this.places.removeGuild(id, opts);
  }

  /**
   * Changes a role's guild-wide permissions (the @everyone role's id is the guild id), with the
   * GUILD_ROLE_UPDATE Discord sends for it (topics/gateway-events#guild-role-update).
   */
  setRolePermissions(roleId: string, permissions: bigint | string): void {
    const position = this.state.roles.findIndex((r) => r.id === roleId);
    const role = this.state.roles[position];
    if (!role) throw new Error(`no role ${roleId}`);
    role.permissions = String(permissions);
    this.gateway.dispatch('GUILD_ROLE_UPDATE', { guild_id: this.guildId, role: roleJson(this.state, role, position) });
  }

  get botRoleId(): string {
    return this.state.botRoleId;
  }

  /** The bot's permissions in a channel, as Discord computes them. */
  botPermissions(channelId: string): bigint {
    return permissionsIn(this.state, this.botUserId, channelId);
  }

  /** Sends any gateway dispatch as is. */
  dispatch(t: string, d: unknown): void {
    this.gateway.dispatch(t, d);
  }

  /** The next `times` (default 1) requests matching method + path get this answer instead. */
  failNext(match: FaultMatch, answer: FaultAnswer): void {
    this.rest.failNext(match, answer);
  }

  /** Ends every fault still waiting from failNext: Discord has recovered. */
  clearFaults(): void {
    this.rest.clearFaults();
  }

  /** Discord honours a nonce only for a few minutes: this is those minutes passing. */
  forgetNonces(): void {
    this.state.nonces.clear();
  }

  /** The server's AutoMod blocks messages containing any of these words (answers 200000), like a keyword rule. */
  setAutomodKeywords(words: string[]): void {
    this.state.automodKeywords.clear();
    for (const word of words) this.state.automodKeywords.add(word);
  }

  /** Opening the DM works; posting to it answers 403 code 50007, like a user who closed DMs. */
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

  /** Discord forgets the session (a long outage): the bot's RESUME is refused, and what it missed is lost. */
  invalidateSession(): void {
    this.gateway.invalidateSession();
  }

  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    return this.waiters.waitForRequest(pred, timeoutMs);
  }

  waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    return this.waiters.waitFor(pred, timeoutMs);
  }

  /** Non-deleted messages of a channel (default: the first channel), oldest first. */
  channelMessages(channelId = this.channelId): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId && !m.deleted);
  }

  async stop(): Promise<void> {
    this.waiters.rejectAll();
    await this.gateway.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
