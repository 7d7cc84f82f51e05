import { Routes, type REST, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys Discord adds to stored commands, which a definition never carries. */
const serverOnlyKeys = new Set(['id', 'application_id', 'guild_id', 'version', 'dm_permission', 'nsfw', 'name_localized', 'description_localized', 'handler']);

/** Drops what Discord fills in by default, so a stored command compares equal to its definition. */
export function normalizeCommand(value: unknown): Json {
  if (Array.isArray(value)) return value.map(normalizeCommand);
  if (value === null || typeof value !== 'object') return value as Json;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (serverOnlyKeys.has(key) || v === undefined || v === null || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
    out[key] = normalizeCommand(v);
  }
  return out;
}

export function commandsDiffer(stored: unknown[], wanted: RESTPostAPIChatInputApplicationCommandsJSONBody[]): boolean {
  const key = (list: unknown[]) => JSON.stringify(
    list.map(normalizeCommand).sort((a, b) => String((a as { name: string }).name).localeCompare(String((b as { name: string }).name))),
  );
  return key(stored) !== key(wanted);
}

export interface SyncResult {
  outcome: 'unchanged' | 'updated';
  /** The commands as Discord holds them now, with the ids that command mentions need. */
  registered: { name: string; id: string }[];
}

const withIds = (commands: unknown[]) => commands.flatMap((c) => {
  const { name, id } = (c ?? {}) as { name?: unknown; id?: unknown };
  return typeof name === 'string' && typeof id === 'string' ? [{ name, id }] : [];
});

/** Writes the commands only when Discord's copy differs, so restarts do not churn command versions. */
export async function syncCommands(
  rest: REST, applicationId: string, guildId: string | undefined, commands: RESTPostAPIChatInputApplicationCommandsJSONBody[],
): Promise<SyncResult> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  // Without with_localizations Discord omits the localization maps, and every start would look like a change.
  const stored = (await rest.get(route, { query: new URLSearchParams({ with_localizations: 'true' }) })) as unknown[];
  if (!commandsDiffer(stored, commands)) return { outcome: 'unchanged', registered: withIds(stored) };
  const written = await rest.put(route, { body: commands });
  return { outcome: 'updated', registered: withIds(Array.isArray(written) ? written : []) };
}

/**
 * The commands as Discord holds them, without writing: shard processes other than shard 0's leave the
 * sync to it but still need the ids for command mentions. (Shard 0's process may not have synced yet
 * at a first deploy; those processes then name commands as plain code until their next start.)
 */
export async function registeredCommands(rest: REST, applicationId: string, guildId: string | undefined): Promise<SyncResult['registered']> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  return withIds((await rest.get(route)) as unknown[]);
}
