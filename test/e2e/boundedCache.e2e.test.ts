import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { checkAndStop, startHarness, videoOptions, type Harness } from './harness.ts';
import { jobs, managerId, manageServerRole, requesterId } from './reactionsHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

describe('what the bot keeps of Discord in memory', () => {
  it('keeps servers, their roles, channels and its own member only, and still acts on commands and reactions', async () => {
    const discord = await FakeDiscord.start({ roles: [manageServerRole] });
    const server = discord.addGuild({ channels: 25, roles: 15 });
    h = await startHarness({ discord, ownsFakes: true });
    const client = h.app.client;

    // 12 s costs $1.0272, above CONFIRM_ABOVE_USD: the job waits for a ✅ on its status message.
    discord.sendCommand({ name: 'video', userId: requesterId, channelId: server.channelIds[7], options: videoOptions({ duration: 12 }) });
    await discord.waitFor(() => jobs(h!.db)[0]?.status_message_id != null, 10_000);
    const statusMessageId = jobs(h.db)[0]!.status_message_id!;
    // An admin's reaction needs their member (fetched over REST, not kept) and the server's roles.
    discord.sendReaction({ userId: managerId, roles: [manageServerRole.id], messageId: statusMessageId, emoji: '🔁' });
    discord.sendReaction({ userId: requesterId, messageId: statusMessageId, emoji: '✅' });
    await discord.waitFor(() => jobs(h!.db)[0]?.status === 'delivered', 15_000);

    expect(client.guilds.cache.size).toBe(2);
    // Channels stay cached (a deleted channel or server is matched to its jobs); messages do not.
    expect(client.channels.cache.size).toBe(1 + 25);
    const guild = client.guilds.cache.get(server.id)!;
    expect(guild.channels.cache.size).toBe(25);
    expect([...client.channels.cache.values()].reduce((n, c) => n + ('messages' in c ? c.messages.cache.size : 0), 0)).toBe(0);
    expect(guild.roles.cache.size).toBe(17);
    expect([...guild.members.cache.keys()]).toEqual([discord.botUserId]);
    expect(guild.emojis.cache.size + guild.stickers.cache.size + guild.presences.cache.size + guild.voiceStates.cache.size).toBe(0);
  });
});
