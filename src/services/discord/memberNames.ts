import { Routes, type APIGuildMember, type REST } from 'discord.js';

const maxNameChars = 32;

/**
 * Display names (server nickname, else global name, else username) for a chart's labels. A member
 * who left, or a failed lookup, is simply missing from the map.
 */
export async function memberDisplayNames(rest: REST, guildId: string, userIds: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all(userIds.map(async (userId) => {
    try {
      const member = (await rest.get(Routes.guildMember(guildId, userId))) as APIGuildMember;
      const name = member.nick ?? member.user.global_name ?? member.user.username;
      if (name) names.set(userId, [...name].slice(0, maxNameChars).join(''));
    } catch {
      // The chart labels this member by the end of their id instead.
    }
  }));
  return names;
}
