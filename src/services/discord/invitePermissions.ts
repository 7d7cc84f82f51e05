import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';

/**
 * The permissions the bot asks for when invited, named as Discord's client shows them. README's
 * permission table and invite URL carry exactly these (test/unit/inviteUrl.test.ts keeps them equal).
 */
export const invitePermissions = {
  'View Channels': PermissionFlagsBits.ViewChannel,
  'Send Messages': PermissionFlagsBits.SendMessages,
  'Send Messages in Threads': PermissionFlagsBits.SendMessagesInThreads,
  'Embed Links': PermissionFlagsBits.EmbedLinks,
  'Attach Files': PermissionFlagsBits.AttachFiles,
  'Add Reactions': PermissionFlagsBits.AddReactions,
  'Manage Messages': PermissionFlagsBits.ManageMessages,
  'Read Message History': PermissionFlagsBits.ReadMessageHistory,
  'Manage Threads': PermissionFlagsBits.ManageThreads,
} as const;

export const invitePermissionBits: bigint = new PermissionsBitField(Object.values(invitePermissions)).bitfield;

/** The URL that adds the bot to a server, with its slash commands and exactly the permissions above. */
export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=${invitePermissionBits}`;
}
