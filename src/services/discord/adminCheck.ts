import { PermissionFlagsBits, type Client, type GuildMember, type PermissionsBitField } from 'discord.js';
import type { Clock } from '../../clock.ts';

/**
 * A member's admin standing changes rarely: a minute of staleness costs less than a request for each
 * of their reactions (a burst of them would queue behind one bucket, and every lookup is a REST call).
 */
const rememberedForMs = 60_000;
const rememberedAtMost = 1_000;

/** An admin holds Manage Server or one of `ADMIN_ROLE_IDS`. */
export function isAdminMember(permissions: Readonly<PermissionsBitField> | null, roleIds: readonly string[], adminRoleIds: readonly string[]): boolean {
  if (permissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  return roleIds.some((id) => adminRoleIds.includes(id));
}

/**
 * For events such as reactions that carry no permissions (an interaction carries its member's: see
 * memberAccess.ts): the member from the cache, else over REST, and the answer kept for a minute. Lookups
 * of one member that overlap share one request; a failed lookup is not kept (and answers "no").
 */
export function createAdminCheck(client: Client, adminRoleIds: readonly string[], clock: Clock) {
  const known = new Map<string, { admin: boolean; at: number }>();
  const asking = new Map<string, Promise<boolean>>();

  function remember(key: string, admin: boolean): boolean {
    known.delete(key);
    known.set(key, { admin, at: clock.now() });
    if (known.size > rememberedAtMost) known.delete(known.keys().next().value as string);
    return admin;
  }

  async function lookUp(guildId: string, userId: string, key: string): Promise<boolean> {
    const guild = client.guilds.cache.get(guildId);
    if (!guild) return false;
    let member: GuildMember | undefined = guild.members.cache.get(userId);
    try {
      member ??= await guild.members.fetch(userId);
    } catch {
      return false;
    }
    return remember(key, isAdminMember(member.permissions, [...member.roles.cache.keys()], adminRoleIds));
  }

  return async (guildId: string, userId: string): Promise<boolean> => {
    const key = `${guildId}:${userId}`;
    const kept = known.get(key);
    if (kept && clock.now() - kept.at < rememberedForMs) return kept.admin;
    const pending = asking.get(key);
    if (pending) return pending;
    const lookup = lookUp(guildId, userId, key).finally(() => asking.delete(key));
    asking.set(key, lookup);
    return lookup;
  };
}

export type AdminCheck = ReturnType<typeof createAdminCheck>;
