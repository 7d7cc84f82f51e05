import { DiscordAPIError, HTTPError, RESTJSONErrorCodes as Code } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { classifyDiscordError } from '../../src/services/discord/discordFaults.ts';

const apiError = (status: number, code: number) =>
  new DiscordAPIError({ message: 'x', code }, code, status, 'POST', 'https://discord.test/api/v10/channels/1/messages', {});

describe('classifyDiscordError', () => {
  it.each([
    [413, Code.RequestEntityTooLarge, { kind: 'too_large' }],
    [403, Code.CannotReplyWithoutPermissionToReadMessageHistory, { kind: 'reply_refused' }],
    [400, Code.MessageWasBlockedByAutomaticModeration, { kind: 'automod' }],
    [400, Code.TitleWasBlockedByAutomaticModeration, { kind: 'automod' }],
    [403, Code.ThreadLocked, { kind: 'place_closed', reason: 'thread_locked' }],
    [400, Code.InvalidActionOnArchivedThread, { kind: 'place_closed', reason: 'thread_archived' }],
    [404, Code.UnknownChannel, { kind: 'place_closed', reason: 'channel_deleted' }],
    [403, Code.MissingAccess, { kind: 'place_closed', reason: 'bot_removed' }],
    [403, Code.MissingPermissions, { kind: 'place_closed', reason: 'missing_permissions' }],
    [403, Code.CannotSendMessagesToThisUser, { kind: 'dm_closed' }],
    // "You are opening direct messages too fast": the same DM goes through later.
    [403, Code.OpeningDirectMessagesTooFast, { kind: 'temporary' }],
    [400, Code.InvalidFormBodyOrContentType, { kind: 'refused', reason: 'discord_50035' }],
    [500, 0, { kind: 'temporary' }],
  ])('answers %i with code %i as %o', (status, code, expected) => {
    expect(classifyDiscordError(apiError(status, code))).toEqual(expected);
  });

  it('treats a 413 without a JSON body (the edge refused the upload) as too large, not as temporary', () => {
    // discord.js builds this from a non-JSON answer: the body is raw bytes and the code is undefined.
    const edge = new DiscordAPIError(new ArrayBuffer(0) as never, undefined as never, 413, 'POST', 'https://discord.test/api/v10/channels/1/messages', {});
    expect(classifyDiscordError(edge)).toEqual({ kind: 'too_large' });
  });

  it('treats 401 (the bot token itself was refused) as temporary: it says nothing about the message', () => {
    // As 'refused' it made every result finishing meanwhile undeliverable for good, although the operator fixes the token.
    expect(classifyDiscordError(apiError(401, 0))).toEqual({ kind: 'temporary' });
  });

  it('treats a 5xx without a body, a timeout and a network error as temporary', () => {
    expect(classifyDiscordError(new HTTPError(502, 'Bad Gateway', 'POST', 'https://discord.test/', {}))).toEqual({ kind: 'temporary' });
    expect(classifyDiscordError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toEqual({ kind: 'temporary' });
    expect(classifyDiscordError(new TypeError('fetch failed'))).toEqual({ kind: 'temporary' });
  });
});
