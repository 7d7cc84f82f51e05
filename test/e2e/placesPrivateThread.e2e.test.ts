import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { ChannelKind, type FakeChannel } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, type Harness } from './harness.ts';
import { allow, answerTo, jobCreated, ledgerKinds, P, reactionWritesIn, videoIn } from './placesHelpers.ts';
import { contentOf, dmChannelsOf, dmsTo, isOwnReactionAdded, requesterId, waitForStatus } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const statusMessageOf = (harness: Harness, jobId: number) =>
  harness.db.prepare('SELECT status_message_id FROM jobs WHERE id = ?').pluck().get(jobId) as string | null;

const isJoin = (threadId: string) => (r: { method: string; path: string }) =>
  r.method === 'PUT' && r.path === `/channels/${threadId}/thread-members/@me`;

/** A private thread in a channel where the bot has, or lacks, Manage Threads; the bot is not a member. */
async function privateThread(harness: Harness, manageThreads: boolean, members: string[] = []): Promise<FakeChannel> {
  const { discord } = harness;
  const parent = discord.addChannel({ overwrites: manageThreads ? [allow(discord.botRoleId, P.ManageThreads)] : [] });
  return discord.addChannel({ type: ChannelKind.privateThread, parentId: parent.id, members: [requesterId, ...members] });
}

describe('private threads', () => {
  it('joins a private thread it may join before reserving, so the requester’s ✅ reaches it', async () => {
    h = await startHarness();
    const { discord } = h;
    const thread = await privateThread(h, true);
    const id = videoIn(discord, thread.id, { duration: 12 });
    expect(await answerTo(discord, id)).toMatchObject({ type: 4, ephemeral: false });
    const join = discord.requests.findIndex(isJoin(thread.id));
    const callback = discord.requests.findIndex((r) => r.path.startsWith(`/interactions/${id}/`));
    expect(join).toBeGreaterThanOrEqual(0);
    expect(join).toBeLessThan(callback);
    expect(discord.channel(thread.id).members.has(discord.botUserId)).toBe(true);

    const job = await jobCreated(h, 1);
    await discord.waitFor(() => jobRows(h!.db)[0]?.status === 'awaiting_confirmation' && statusMessageOf(h!, job.id) !== null);
    const waiting = { status_message_id: statusMessageOf(h, job.id) };
    await discord.waitForRequest(isOwnReactionAdded(waiting.status_message_id as string, '✅'));
    discord.sendReaction({ userId: requesterId, messageId: waiting.status_message_id as string, emoji: '✅', channelId: thread.id });
    await waitForStatus(h, job.id, 'delivered');
    expect(discord.requests.filter(isResultPost).map((r) => [r.path, r.status])).toEqual([[`/channels/${thread.id}/messages`, 200]]);
  });

  it('refuses a job that needs ✅ in a private thread it cannot join, before anything is reserved', async () => {
    h = await startHarness();
    const { discord } = h;
    const thread = await privateThread(h, false);
    const answer = await answerTo(discord, videoIn(discord, thread.id, { duration: 12 }));
    expect(answer).toMatchObject({ ephemeral: true, content: en.privateThreadNeedsMember });
    expect(discord.requests.some(isJoin(thread.id))).toBe(false);
    expect(jobRows(h.db)).toEqual([]);
    expect(ledgerRows(h.db)).toEqual([]);
    expect(h.apimart.submits()).toEqual([]);
  });

  it('refuses a ✅ job when the join does not answer in time, still within Discord’s 3 s', async () => {
    h = await startHarness();
    const { discord } = h;
    const thread = await privateThread(h, true);
    discord.failNext({ method: 'PUT', path: /\/thread-members\/@me$/ }, { hang: true });
    const answer = await answerTo(discord, videoIn(discord, thread.id, { duration: 12 }));
    expect(answer).toMatchObject({ ephemeral: true, content: en.privateThreadNeedsMember });
    expect(jobRows(h.db)).toEqual([]);
  });

  it('needs no join where it is already a member', async () => {
    h = await startHarness();
    const { discord } = h;
    const thread = await privateThread(h, false, [discord.botUserId]);
    await discord.waitFor(() => h!.app.client.channels.cache.has(thread.id));
    const id = videoIn(discord, thread.id, { duration: 12 });
    expect(await answerTo(discord, id)).toMatchObject({ type: 4, ephemeral: false });
    const job = await jobCreated(h, 1);
    await waitForStatus(h, job.id, 'awaiting_confirmation');
    expect(discord.requests.some(isJoin(thread.id))).toBe(false);
  });
});

describe('controls only where they work', () => {
  it('a result that can only go by DM carries no 🔁 📩 ❌ text and gets no reactions there', async () => {
    h = await startHarness();
    const { discord } = h;
    // a private thread the bot cannot see: its channel posts answer 50001, so the result goes by DM
    const thread = await privateThread(h, false);
    videoIn(discord, thread.id, { duration: 4 });
    const job = await jobCreated(h, 1);
    await waitForStatus(h, job.id, 'delivered');
    expect(ledgerKinds(h, job.id)).toEqual(['reserve', 'settle']);
    const [dm, ...more] = dmsTo(discord, requesterId);
    expect(more).toEqual([]);
    expect(dm!.files).toHaveLength(1);
    expect(contentOf(dm!).split('\n')[0]).toBe(`<@${requesterId}>`);
    expect(dm!.body).not.toHaveProperty('components');
    expect(dm!.body).not.toHaveProperty('message_reference');
    await h.app.scheduler.stop();
    for (const channel of dmChannelsOf(discord, requesterId)) expect(reactionWritesIn(discord, channel)).toEqual([]);
  });
});
