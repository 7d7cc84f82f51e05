import { DiscordAPIError, RESTJSONErrorCodes as Code } from 'discord.js';

/**
 * What an error on the way to a member's channel means for the message that caused it. Each kind has
 * exactly one answer, so no error is retried that can never succeed, and none ends a job that a
 * later attempt could still deliver.
 */
export type DiscordFault =
  /** 40005: the upload is over this channel's limit (a server that lost its boost): post the link now. */
  | { kind: 'too_large' }
  /** 160002: a reply needs Read Message History: post the same message as a plain one. */
  | { kind: 'reply_refused' }
  /** 200000/200001: the server's AutoMod blocked a word: post it again without the member's words. */
  | { kind: 'automod' }
  /** The place will not take messages from the bot, now or on a retry: go to the requester's DMs. */
  | { kind: 'place_closed'; reason: PlaceClosedReason }
  /** 50007: the member does not accept DMs from the bot. */
  | { kind: 'dm_closed' }
  /** Any other 4xx: the request itself is refused, so repeating it cannot help. */
  | { kind: 'refused'; reason: string }
  /** 5xx, timeouts, network errors, rate limits discord.js gave up on, DMs opened too fast: try again later. */
  | { kind: 'temporary' };

export type PlaceClosedReason = 'thread_locked' | 'thread_archived' | 'channel_deleted' | 'bot_removed' | 'missing_permissions';

const placeClosed: Partial<Record<number, PlaceClosedReason>> = {
  [Code.ThreadLocked]: 'thread_locked',
  [Code.InvalidActionOnArchivedThread]: 'thread_archived',
  [Code.UnknownChannel]: 'channel_deleted',
  [Code.MissingAccess]: 'bot_removed',
  [Code.MissingPermissions]: 'missing_permissions',
};

export function classifyDiscordError(err: unknown): DiscordFault {
  // An upload over the edge's limit is refused before Discord's API sees it: a 413 without a JSON body.
  if (err instanceof DiscordAPIError && err.status === 413) return { kind: 'too_large' };
  if (!(err instanceof DiscordAPIError) || typeof err.code !== 'number') return { kind: 'temporary' };
  const code = err.code;
  if (code === Code.RequestEntityTooLarge) return { kind: 'too_large' };
  if (code === Code.CannotReplyWithoutPermissionToReadMessageHistory) return { kind: 'reply_refused' };
  if (code === Code.MessageWasBlockedByAutomaticModeration || code === Code.TitleWasBlockedByAutomaticModeration) return { kind: 'automod' };
  if (code === Code.CannotSendMessagesToThisUser) return { kind: 'dm_closed' };
  // 40003, DMs opened too fast: Discord takes the same DM a little later.
  if (code === Code.OpeningDirectMessagesTooFast) return { kind: 'temporary' };
  const reason = placeClosed[code];
  if (reason) return { kind: 'place_closed', reason };
  // discord.js has already waited out 429s and retried 5xx by the time an error reaches here.
  // 401 is about the bot's token, not the message: once the operator fixes it, the same post succeeds.
  if (err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 408 && err.status !== 429) return { kind: 'refused', reason: `discord_${code}` };
  return { kind: 'temporary' };
}

/** The AutoMod answer, for writes that quote the member's prompt (status and result). */
export const isAutoModBlock = (err: unknown) => classifyDiscordError(err).kind === 'automod';
