import { RESTJSONErrorCodes as Code } from 'discord-api-types/v10';
import type { FaultAnswer } from './fakeDiscordRest.ts';

/**
 * Discord's own answers for the refusals the bot must tell apart, for `failNext`: the JSON error
 * codes and messages of https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes,
 * with the HTTP status Discord sends them under (same page, "HTTP Response Codes": 400 for a request
 * Discord will not carry out, 403 for a missing permission, 404 for an unknown resource; 413 for a
 * body over the upload limit).
 */
const answer = (status: number, code: number, message: string) => ({ status, body: { message, code } }) satisfies FaultAnswer;

export const discordErrors = {
  /** The upload is over the channel's limit, e.g. a server that lost its boost. */
  requestTooLarge: answer(413, Code.RequestEntityTooLarge, 'Request entity too large'),
  /** A message with `message_reference` in a channel where the bot lacks Read Message History. */
  replyNeedsHistory: answer(403, Code.CannotReplyWithoutPermissionToReadMessageHistory, 'Cannot reply without permission to read message history'),
  threadLocked: answer(403, Code.ThreadLocked, 'Thread is locked'),
  /** An archived thread the bot may not unarchive (locked): any write answers this. */
  archivedThread: answer(400, Code.InvalidActionOnArchivedThread, 'Cannot execute action on an archived thread'),
  unknownChannel: answer(404, Code.UnknownChannel, 'Unknown Channel'),
  /** What a channel answers once the bot was kicked from its server. */
  missingAccess: answer(403, Code.MissingAccess, 'Missing Access'),
  missingPermissions: answer(403, Code.MissingPermissions, 'Missing Permissions'),
  unknownMessage: answer(404, Code.UnknownMessage, 'Unknown Message'),
  automodBlocked: answer(400, Code.MessageWasBlockedByAutomaticModeration, 'Message was blocked by automatic moderation'),
} as const;
