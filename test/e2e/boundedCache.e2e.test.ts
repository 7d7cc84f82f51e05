import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { ChannelKind } from '../fakes/fakeDiscordChannels.ts';
import { checkAndStop, startHarness, videoOptions, type Harness } from './harness.ts';
import { jobs, managerId, manageServerRole, requesterId } from './reactionsHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

describe('what the bot keeps of Discord in memory', () => {
  it('keeps servers, their roles, threads and its own member only, no other channels, and still acts on commands and reactions', async () => {
    const discord = await FakeDiscord.start({ roles: [manageServerRole] });
    const server = discord.addGuild({ channels: 25, roles: 15 });
    h = await startHarness({ discord, ownsFakes: true });
    const client = h.app.client;
    const thread = discord.addChannel({ type: ChannelKind.publicThread, parentId: server.channelIds[3], members: [discord.botUserId] });
    await discord.waitFor(() => client.channels.cache.has(thread.id));

    // 12 s costs $1.0272, above CONFIRM_ABOVE_USD: the job waits for a ✅ on its status message.
    discord.sendCommand({ name: 'video', userId: requesterId, channelId: server.channelIds[7], options: videoOptions({ duration: 12 }) });
    await discord.waitFor(() => jobs(h!.db)[0]?.status_message_id != null, 10_000);
    const statusMessageId = jobs(h.db)[0]!.status_message_id!;
    // An admin's reaction needs their member (fetched over REST, not kept) and the server's roles.
    discord.sendReaction({ userId: managerId, roles: [manageServerRole.id], messageId: statusMessageId, emoji: '🔁' });
    discord.sendReaction({ userId: requesterId, messageId: statusMessageId, emoji: '✅' });
    await discord.waitFor(() => jobs(h!.db)[0]?.status === 'delivered', 15_000);

    expect(client.guilds.cache.size).toBe(2);
    // Channels are not kept: the command's interaction carried its channel and the bot's permissions
    // there, and a deleted channel is matched to its jobs by id. Threads are (the bot's membership of a
    // private one is known from nothing else), without their messages.
    expect([...client.channels.cache.keys()]).toEqual([thread.id]);
    const guild = client.guilds.cache.get(server.id)!;
    expect([...guild.channels.cache.keys()]).toEqual([thread.id]);
    const cachedThread = client.channels.cache.get(thread.id);
    expect(cachedThread?.isThread() && cachedThread.messages.cache.size).toBe(0);
    expect(guild.roles.cache.size).toBe(17);
    expect([...guild.members.cache.keys()]).toEqual([discord.botUserId]);
    expect(guild.emojis.cache.size + guild.stickers.cache.size + guild.presences.cache.size + guild.voiceStates.cache.size).toBe(0);
  });
});
