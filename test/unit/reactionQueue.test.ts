import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createReactionQueue } from '../../src/services/controls/reactionQueue.ts';
import type { DiscordMessenger } from '../../src/services/discord/discordMessenger.ts';
import { ManualClock } from '../model/manualClock.ts';

const discordError = (code: number, status: number) => new DiscordAPIError(
  { message: 'refused', code }, code, status, 'PUT', 'https://discord.test/api/v10/channels/1/messages/2/reactions/x/@me', {});

/** A reaction queue over a Discord that answers every reaction write with `code`. */
function refusingWith(code: number, status: number) {
  const tries: string[] = [];
  const messenger = {
    async react(channelId: string, messageId: string) {
      tries.push(`${channelId}/${messageId}`);
      throw discordError(code, status);
    },
  } as unknown as DiscordMessenger;
  const queue = createReactionQueue({ messenger, clock: new ManualClock(0).view(), logger: createLogger({ level: 'error', secrets: [], write: () => undefined }) });
  const react = async (channelId: string, messageId: string) => {
    queue.push([{ channelId, messageId, emoji: '🔁', add: true, jobId: 1 }]);
    await queue.idle();
  };
  return { tries, react };
}

it('remembers at most 10,000 channels that refused reactions, forgetting the oldest first', async () => {
  const { tries, react } = refusingWith(RESTJSONErrorCodes.MissingPermissions, 403);
  for (let i = 0; i <= 10_000; i++) await react(String(i), '1');
  tries.length = 0;

  await react('1', '1');
  await react('10000', '1');
  await react('0', '1');

  expect(tries).toEqual(['0/1']);
});

it('remembers at most 10,000 deleted messages, forgetting the oldest first', async () => {
  const { tries, react } = refusingWith(RESTJSONErrorCodes.UnknownMessage, 404);
  for (let i = 0; i <= 10_000; i++) await react('5', String(i));
  tries.length = 0;

  await react('5', '1');
  await react('5', '10000');
  await react('5', '0');

  expect(tries).toEqual(['5/0']);
});
