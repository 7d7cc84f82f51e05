import { PermissionFlagsBits, type Client, type GuildMember, type PermissionsBitField } from 'discord.js';

/** An admin holds Manage Server or one of `ADMIN_ROLE_IDS`. */
export function isAdminMember(permissions: Readonly<PermissionsBitField> | null, roleIds: readonly string[], adminRoleIds: readonly string[]): boolean {
  if (permissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  return roleIds.some((id) => adminRoleIds.includes(id));
}

/** Looks the member up (cache first, then REST), for events such as reactions that carry no permissions. */
export function createAdminCheck(client: Client, adminRoleIds: readonly string[]) {
  return async (guildId: string, userId: string): Promise<boolean> => {
    const guild = client.guilds.cache.get(guildId);
    if (!guild) return false;
    let member: GuildMember | undefined = guild.members.cache.get(userId);
    try {
      member ??= await guild.members.fetch(userId);
    } catch {
      return false;
    }
    return isAdminMember(member.permissions, [...member.roles.cache.keys()], adminRoleIds);
  };
}

export type AdminCheck = ReturnType<typeof createAdminCheck>;
