import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { FakeApiError, type FakeDiscordState } from './fakeDiscordState.ts';

// The places a message can live in, and who may do what there, as Discord's documentation describes:
// channel types (resources/channel#channel-object-channel-types), threads (topics/threads) and the
// permission algorithm (topics/permissions#permission-overwrites).

export const ChannelKind = {
  text: 0, voice: 2, announcement: 5, announcementThread: 10, publicThread: 11, privateThread: 12, forum: 15, media: 16,
} as const;
const threadTypes: readonly number[] = [ChannelKind.announcementThread, ChannelKind.publicThread, ChannelKind.privateThread];

/** type 0: a role (or @everyone, whose id is the guild's), type 1: a member. */
export interface FakeOverwrite { id: string; type: 0 | 1; allow: string; deny: string }

export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  parentId: string | null;
  archived: boolean;
  locked: boolean;
  /** Private threads only: whether non-moderators may add other members. */
  invitable: boolean;
  overwrites: FakeOverwrite[];
  /** Thread members (user ids); threads only. */
  members: Set<string>;
  deleted: boolean;
}

export interface NewChannel {
  type?: number;
  name?: string;
  parentId?: string | null;
  archived?: boolean;
  locked?: boolean;
  invitable?: boolean;
  overwrites?: FakeOverwrite[];
  /** Thread members; the bot is a member only if listed here (or after it joins). */
  members?: string[];
  id?: string;
}

export const isThread = (channel: FakeChannel) => threadTypes.includes(channel.type);

export function newChannel(id: string, init: NewChannel): FakeChannel {
  return {
    id,
    type: init.type ?? ChannelKind.text,
    name: init.name ?? `channel-${id.slice(-4)}`,
    parentId: init.parentId ?? null,
    archived: init.archived ?? false,
    locked: init.locked ?? false,
    invitable: init.invitable ?? true,
    overwrites: init.overwrites ?? [],
    members: new Set(init.members ?? []),
    deleted: false,
  };
}

const ALL = (1n << 64n) - 1n;

/** compute_base_permissions: the owner has all; else @everyone's role, OR every role of the member; ADMINISTRATOR is all. */
function basePermissions(state: FakeDiscordState, userId: string): bigint {
  if (userId === state.ownerId) return ALL;
  const roleIds = state.users.get(userId)?.roles ?? [];
  let permissions = 0n;
  for (const role of state.roles) {
    if (role.id === state.guildId || roleIds.includes(role.id)) permissions |= BigInt(role.permissions);
  }
  return (permissions & P.Administrator) !== 0n ? ALL : permissions;
}

/** compute_overwrites: @everyone's overwrite, then every role's (denies then allows, combined), then the member's. */
function applyOverwrites(state: FakeDiscordState, userId: string, base: bigint, overwrites: FakeOverwrite[]): bigint {
  if ((base & P.Administrator) !== 0n || base === ALL) return ALL;
  let permissions = base;
  const everyone = overwrites.find((o) => o.type === 0 && o.id === state.guildId);
  if (everyone) permissions = (permissions & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  const roleIds = state.users.get(userId)?.roles ?? [];
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== state.guildId && roleIds.includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  permissions = (permissions & ~deny) | allow;
  const member = overwrites.find((o) => o.type === 1 && o.id === userId);
  if (member) permissions = (permissions & ~BigInt(member.deny)) | BigInt(member.allow);
  return permissions;
}

/**
 * A user's permissions in a channel. Threads take their parent's overwrites. Without View Channel no
 * other channel permission counts; without the permission to send (Send Messages, or Send Messages in
 * Threads inside a thread) attaching files, embedding links and mentioning everyone are denied too.
 */
export function permissionsIn(state: FakeDiscordState, userId: string, channelId: string): bigint {
  const channel = state.channels.get(channelId);
  if (!channel) return 0n;
  const parent = channel.parentId ? state.channels.get(channel.parentId) : undefined;
  const overwrites = isThread(channel) ? (parent?.overwrites ?? []) : channel.overwrites;
  let permissions = applyOverwrites(state, userId, basePermissions(state, userId), overwrites);
  if (permissions === ALL) return ALL;
  if ((permissions & P.ViewChannel) === 0n) return 0n;
  const send = isThread(channel) ? P.SendMessagesInThreads : P.SendMessages;
  if ((permissions & send) === 0n) permissions &= ~(P.AttachFiles | P.EmbedLinks | P.MentionEveryone | P.SendTTSMessages);
  return permissions;
}

export const has = (permissions: bigint, flag: bigint) => (permissions & flag) === flag;

/** Private threads are visible only to their members and to those with Manage Threads. */
export function botCanView(state: FakeDiscordState, channel: FakeChannel): boolean {
  const permissions = permissionsIn(state, state.botUserId, channel.id);
  if (!has(permissions, P.ViewChannel)) return false;
  if (channel.type !== ChannelKind.privateThread) return true;
  return channel.members.has(state.botUserId) || has(permissions, P.ManageThreads);
}

/** Reaction events and reacting in a private thread need membership (topics/threads#private-threads). */
export function botSeesReactions(state: FakeDiscordState, channel: FakeChannel | undefined): boolean {
  if (!channel) return true;
  if (channel.deleted || state.removedFrom(channel.id)) return false;
  if (channel.type === ChannelKind.privateThread && !channel.members.has(state.botUserId)) return false;
  return botCanView(state, channel);
}

/**
 * The guild channel a bot-token route names: 10003 once deleted, 50001 once the bot left the guild
 * or cannot see the channel (a hidden channel, a private thread it is not in).
 */
export function accessibleChannel(state: FakeDiscordState, channelId: string): FakeChannel {
  const channel = state.channels.get(channelId);
  if (!channel || channel.deleted) throw new FakeApiError(404, 10003, 'Unknown Channel');
  if (state.removedFrom(channel.id) || !botCanView(state, channel)) throw new FakeApiError(403, 50001, 'Missing Access');
  return channel;
}

function requirePermission(state: FakeDiscordState, channel: FakeChannel, flag: bigint): void {
  if (!has(permissionsIn(state, state.botUserId, channel.id), flag)) throw new FakeApiError(403, 50013, 'Missing Permissions');
}

/**
 * Writing into a thread: locked and archived answers 50083, locked alone 160005 (unless the bot has
 * Manage Threads); an archived, unlocked thread is unarchived by the message, as Discord does.
 */
function checkThreadOpen(state: FakeDiscordState, channel: FakeChannel, onUnarchive?: (c: FakeChannel) => void): void {
  if (!isThread(channel)) return;
  const moderator = has(permissionsIn(state, state.botUserId, channel.id), P.ManageThreads);
  if (channel.archived && channel.locked) throw new FakeApiError(400, 50083, 'Cannot execute action on an archived thread');
  if (channel.locked && !moderator) throw new FakeApiError(403, 160005, 'Thread is locked');
  if (channel.archived) {
    if (!onUnarchive) throw new FakeApiError(400, 50083, 'Cannot execute action on an archived thread');
    channel.archived = false;
    onUnarchive(channel);
  }
}

/** POST /channels/{id}/messages by the bot. */
export function checkCanPost(
  state: FakeDiscordState, channel: FakeChannel, post: { files: boolean; reply: boolean }, onUnarchive: (c: FakeChannel) => void,
): void {
  if (channel.type === ChannelKind.forum || channel.type === ChannelKind.media) {
    throw new FakeApiError(400, 40058, 'Cannot send messages in a forum channel');
  }
  requirePermission(state, channel, isThread(channel) ? P.SendMessagesInThreads : P.SendMessages);
  if (post.files) requirePermission(state, channel, P.AttachFiles);
  if (post.reply && !has(permissionsIn(state, state.botUserId, channel.id), P.ReadMessageHistory)) {
    throw new FakeApiError(403, 160002, 'Cannot reply without permission to read message history');
  }
  checkThreadOpen(state, channel, onUnarchive);
}

/** PATCH of the bot's own message: an archived or locked thread refuses the edit. */
export function checkCanEdit(state: FakeDiscordState, channel: FakeChannel): void {
  checkThreadOpen(state, channel);
}

/** PUT …/reactions/{emoji}/@me: Read Message History always, Add Reactions for an emoji nobody has added yet. */
export function checkCanReact(state: FakeDiscordState, channel: FakeChannel, emojiIsNew: boolean): void {
  if (channel.type === ChannelKind.privateThread && !channel.members.has(state.botUserId)) {
    throw new FakeApiError(403, 50001, 'Missing Access');
  }
  requirePermission(state, channel, P.ReadMessageHistory);
  if (emojiIsNew) requirePermission(state, channel, P.AddReactions);
  checkThreadOpen(state, channel);
}

/** Removing someone else's reaction, or deleting someone else's message, needs Manage Messages. */
export function checkCanModerate(state: FakeDiscordState, channel: FakeChannel): void {
  requirePermission(state, channel, P.ManageMessages);
}

/** GET of a message needs Read Message History. */
export function checkCanReadHistory(state: FakeDiscordState, channel: FakeChannel): void {
  requirePermission(state, channel, P.ReadMessageHistory);
}

/**
 * PUT /channels/{id}/thread-members/@me (resources/channel#join-thread): the thread must not be
 * archived, and a private thread can be joined only by whoever can see it (Manage Threads).
 */
export function joinThread(state: FakeDiscordState, channel: FakeChannel): boolean {
  if (!isThread(channel)) throw new FakeApiError(400, 50024, 'Cannot execute action on this channel type');
  if (channel.archived) throw new FakeApiError(400, 50083, 'Cannot execute action on an archived thread');
  if (channel.members.has(state.botUserId)) return false;
  channel.members.add(state.botUserId);
  return true;
}
