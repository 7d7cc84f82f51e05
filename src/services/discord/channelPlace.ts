import { ChannelType, PermissionFlagsBits, PermissionsBitField, type Channel } from 'discord.js';

/** What the bot must know about the channel a command came from. */
export interface ChannelPlace {
  /** Threads, forum posts and media posts: Send Messages does not count there, Send Messages in Threads does. */
  thread: boolean;
  privateThread: boolean;
  /** Whether the bot is a member of the thread (always true outside threads). */
  joined: boolean;
  locked: boolean;
  archived: boolean;
}

export function channelPlace(channel: Channel | null): ChannelPlace {
  if (!channel?.isThread()) return { thread: false, privateThread: false, joined: true, locked: false, archived: false };
  return {
    thread: true,
    privateThread: channel.type === ChannelType.PrivateThread,
    joined: channel.joined,
    locked: channel.locked ?? false,
    archived: channel.archived ?? false,
  };
}

type Needed = readonly (readonly [string, bigint])[];

/**
 * What Discord checks when the bot posts the status, the result and its notices there: every one of
 * them is a reply (Read Message History), the result carries a file, and in a thread Send Messages in
 * Threads replaces Send Messages.
 */
function neededIn(place: ChannelPlace): Needed {
  return [
    ['View Channel', PermissionFlagsBits.ViewChannel],
    place.thread ? ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads] : ['Send Messages', PermissionFlagsBits.SendMessages],
    ['Attach Files', PermissionFlagsBits.AttachFiles],
    ['Read Message History', PermissionFlagsBits.ReadMessageHistory],
  ];
}

/** The permissions the interaction's `app_permissions` lacks for this kind of channel, by name. */
export function missingPermissions(place: ChannelPlace, appPermissions: PermissionsBitField | null): string[] {
  const granted = appPermissions ?? new PermissionsBitField(PermissionsBitField.All);
  return neededIn(place).filter(([, flag]) => !granted.has(flag)).map(([name]) => name);
}

/** A locked thread refuses the bot's posts (160005) unless it moderates threads; an archived and locked one always (50083). */
export function threadClosed(place: ChannelPlace, appPermissions: PermissionsBitField | null): boolean {
  if (!place.thread) return false;
  const moderator = appPermissions?.has(PermissionFlagsBits.ManageThreads) ?? false;
  return place.archived || (place.locked && !moderator);
}

/** Whether the bot may add itself to a private thread: it sees it only with Manage Threads. */
export function canJoinThread(place: ChannelPlace, appPermissions: PermissionsBitField | null): boolean {
  return !place.archived && (appPermissions?.has(PermissionFlagsBits.ManageThreads) ?? false);
}
