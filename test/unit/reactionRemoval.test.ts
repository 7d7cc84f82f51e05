import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createReactionRemoval } from '../../src/services/controls/reactionRemoval.ts';
import type { DiscordMessenger } from '../../src/services/discord/discordMessenger.ts';
import { ManualClock } from '../model/manualClock.ts';

const missingPermissions = () => new DiscordAPIError(
  { message: 'Missing Permissions', code: RESTJSONErrorCodes.MissingPermissions }, RESTJSONErrorCodes.MissingPermissions,
  403, 'DELETE', 'https://discord.test/api/v10/channels/1/messages/2/reactions/x/3', {});

/** Reaction removal over a Discord that refuses every removal (no Manage Messages anywhere). */
function refusingEverywhere() {
  const tries: string[] = [];
  const messenger = {
    async removeUserReaction(channelId: string) {
      tries.push(channelId);
      throw missingPermissions();
    },
  } as unknown as DiscordMessenger;
  const takeOff = createReactionRemoval({ messenger, clock: new ManualClock(0).view(), logger: createLogger({ level: 'error', secrets: [], write: () => undefined }) });
  const inChannel = (channelId: string) => takeOff({ channelId, messageId: '2', emoji: '🔁', userId: '3', jobId: 1 });
  return { tries, inChannel };
}

it('leaves a channel that refused a reaction removal alone afterwards', async () => {
  const { tries, inChannel } = refusingEverywhere();
  await inChannel('10');
  await inChannel('10');
  expect(tries).toEqual(['10']);
});

it('remembers at most 10,000 refusing channels, forgetting the oldest first', async () => {
  const { tries, inChannel } = refusingEverywhere();
  for (let i = 0; i <= 10_000; i++) await inChannel(String(i));
  tries.length = 0;

  await inChannel('1');
  await inChannel('10000');
  await inChannel('0');

  expect(tries).toEqual(['0']);
});
