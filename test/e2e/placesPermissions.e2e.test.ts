import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { ChannelKind } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, type Harness } from './harness.ts';
import { allow, answerTo, deny, jobCreated, P, postsTo, videoIn } from './placesHelpers.ts';
import { waitForStatus } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

/** The pre-check asks Discord's own question for the kind of channel the command came from. */
describe('permissions by channel kind', () => {
  it('makes videos in a thread of a read-only channel that allows thread discussion', async () => {
    h = await startHarness();
    const { discord } = h;
    const announcements = discord.addChannel({ overwrites: [
      { id: discord.guildId, type: 0, allow: String(P.SendMessagesInThreads), deny: String(P.SendMessages) },
      deny(discord.botRoleId, P.SendMessages),
    ] });
    const thread = discord.addChannel({ type: ChannelKind.publicThread, parentId: announcements.id, members: [discord.botUserId] });
    await discord.waitFor(() => h!.app.client.channels.cache.has(thread.id));
    const id = videoIn(discord, thread.id);
    expect(await answerTo(discord, id)).toMatchObject({ type: 4, ephemeral: false });
    const job = await jobCreated(h, 1);
    await waitForStatus(h, job.id, 'delivered');
    expect(discord.requests.filter(isResultPost).map((r) => [r.path, r.status])).toEqual([[`/channels/${thread.id}/messages`, 200]]);
  });

  it('refuses a thread where the bot may send messages but not in threads, before reserving anything', async () => {
    h = await startHarness();
    const { discord } = h;
    const parent = discord.addChannel({ overwrites: [allow(discord.botRoleId, P.SendMessages), deny(discord.guildId, P.SendMessagesInThreads), deny(discord.botRoleId, P.SendMessagesInThreads)] });
    const thread = discord.addChannel({ type: ChannelKind.publicThread, parentId: parent.id });
    await discord.waitFor(() => h!.app.client.channels.cache.has(thread.id));
    const answer = await answerTo(discord, videoIn(discord, thread.id));
    // without the permission to send, Discord also denies Attach Files there
    expect(answer).toMatchObject({ ephemeral: true, content: en.missingPermissions(['Send Messages in Threads', 'Attach Files']) });
    expect(jobRows(h.db)).toEqual([]);
    expect(ledgerRows(h.db)).toEqual([]);
    expect(h.apimart.submits()).toEqual([]);
  });

  it('posts the result inside a forum post and a media post', async () => {
    h = await startHarness();
    const { discord } = h;
    const posts = [ChannelKind.forum, ChannelKind.media].map((type) =>
      discord.addChannel({ type: ChannelKind.publicThread, parentId: discord.addChannel({ type }).id, members: [discord.botUserId] }));
    for (const [i, post] of posts.entries()) {
      await discord.waitFor(() => h!.app.client.channels.cache.has(post.id));
      videoIn(discord, post.id);
      const job = await jobCreated(h, i + 1);
      await waitForStatus(h, job.id, 'delivered');
      expect(discord.requests.filter(isResultPost).at(-1)).toMatchObject({ path: `/channels/${post.id}/messages`, status: 200 });
    }
  });

  it('makes videos in an announcement channel and in a voice channel’s text chat', async () => {
    h = await startHarness();
    const { discord } = h;
    const places = [discord.addChannel({ type: ChannelKind.announcement }), discord.addChannel({ type: ChannelKind.voice })];
    for (const [i, place] of places.entries()) {
      videoIn(discord, place.id);
      const job = await jobCreated(h, i + 1);
      await waitForStatus(h, job.id, 'delivered');
      expect(discord.requests.filter(isResultPost).at(-1)).toMatchObject({ path: `/channels/${place.id}/messages`, status: 200 });
    }
  });

  it('refuses a channel without Read Message History, since every result and notice is a reply', async () => {
    h = await startHarness();
    const { discord } = h;
    const noHistory = discord.addChannel({ overwrites: [deny(discord.botRoleId, P.ReadMessageHistory)] });
    const answer = await answerTo(discord, videoIn(discord, noHistory.id));
    expect(answer).toMatchObject({ ephemeral: true, content: en.missingPermissions(['Read Message History']) });
    expect(jobRows(h.db)).toEqual([]);
  });

  it('refuses a locked thread and an archived one up front, with nothing reserved', async () => {
    h = await startHarness();
    const { discord } = h;
    const locked = discord.addChannel({ type: ChannelKind.publicThread, parentId: discord.channelId, members: [discord.botUserId] });
    const archived = discord.addChannel({ type: ChannelKind.publicThread, parentId: discord.channelId, members: [discord.botUserId] });
    await discord.waitFor(() => h!.app.client.channels.cache.has(locked.id) && h!.app.client.channels.cache.has(archived.id));
    discord.lockThread(locked.id, { archived: false });
    discord.archiveThread(archived.id);
    await discord.waitFor(() => {
      const cache = h!.app.client.channels.cache;
      return (cache.get(locked.id) as { locked?: boolean } | undefined)?.locked === true &&
        (cache.get(archived.id) as { archived?: boolean } | undefined)?.archived === true;
    });
    for (const thread of [locked, archived]) {
      const answer = await answerTo(discord, videoIn(discord, thread.id));
      expect(answer).toMatchObject({ ephemeral: true, content: en.threadClosed });
      expect(discord.requests.some(postsTo(thread.id))).toBe(false);
    }
    expect(jobRows(h.db)).toEqual([]);
    expect(ledgerRows(h.db)).toEqual([]);
  });
});
