import type { Config } from '../../config.ts';
import type { Messages } from '../../i18n/messages.ts';

/** Why a server or channel may not spend: outside ALLOWED_GUILD_IDS, or outside ALLOWED_CHANNEL_IDS. */
export type PlaceRefusal = 'guild_not_allowed' | 'channel_not_allowed';

export type AllowLists = Pick<Config, 'allowedGuildIds' | 'allowedChannelIds'>;

/**
 * The operator's allow-lists, asked wherever money may move: at `/video` and re-rolls, at a
 * confirmation, when a queued job is claimed for its POST, and for every waiting job at start (the
 * lists may have changed across the restart). An empty list allows everything.
 */
export function placeRefusal(lists: AllowLists, guildId: string, channelId: string): PlaceRefusal | undefined {
  if (lists.allowedGuildIds.length > 0 && !lists.allowedGuildIds.includes(guildId)) return 'guild_not_allowed';
  if (lists.allowedChannelIds.length > 0 && !lists.allowedChannelIds.includes(channelId)) return 'channel_not_allowed';
  return undefined;
}

/** What a member is told when a new request or a confirmation meets a refusal. */
export function placeRefusalText(lists: AllowLists, refusal: PlaceRefusal): (m: Messages) => string {
  return refusal === 'guild_not_allowed' ? (m) => m.ops.guildNotAllowed : (m) => m.channelNotAllowed(lists.allowedChannelIds);
}
