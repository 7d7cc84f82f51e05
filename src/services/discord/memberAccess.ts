import { GuildMember, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { isAdminMember } from './adminCheck.ts';

/** What every interaction in a server carries about its member: their roles and their permissions in the channel. */
type MemberOf = Pick<Interaction, 'member' | 'memberPermissions'>;

/** The member's role ids, whether discord.js built a GuildMember (guild cached) or kept the raw member. */
export function memberRoleIds(interaction: MemberOf): string[] {
  const member = interaction.member;
  if (!member) return [];
  return member instanceof GuildMember ? [...member.roles.cache.keys()] : [...member.roles];
}

/**
 * Checked at execution, not left to `default_member_permissions`: a server can show an admin command
 * to anyone through its integration settings. Decided from what the interaction carries (Manage Server
 * in `member.permissions`, the roles in `member.roles`), so it costs no request on the 3-second path.
 */
export function isInteractionAdmin(interaction: MemberOf, adminRoleIds: readonly string[]): boolean {
  return isAdminMember(interaction.memberPermissions, memberRoleIds(interaction), adminRoleIds);
}

/** The member a `user` option names: oneself by default, anyone else only for admins (else undefined). */
export function targetMember(interaction: ChatInputCommandInteraction, adminRoleIds: readonly string[]): { userId: string; self: boolean } | undefined {
  // The raw snowflake: `getUser` needs `resolved.users`, which is an optimisation, not the contract.
  const chosen = interaction.options.get('user')?.value;
  const userId = typeof chosen === 'string' && chosen !== '' ? chosen : interaction.user.id;
  if (userId === interaction.user.id) return { userId, self: true };
  return isInteractionAdmin(interaction, adminRoleIds) ? { userId, self: false } : undefined;
}
