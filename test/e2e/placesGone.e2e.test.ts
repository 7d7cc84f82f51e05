import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { ChannelKind } from '../fakes/fakeDiscord.ts';
import { checkAndStop, startHarness, type Harness } from './harness.ts';
import { answerTo, jobCreated, ledgerKinds, postsTo, reactionWritesIn, videoIn } from './placesHelpers.ts';
import { contentOf, dmChannelsOf, dmsTo, job, jobs, otherMemberId, requesterId, waitForStatus } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
const thirdMemberId = '1500000000000000009';
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

/** One provider slot, held by a first job whose task never ends until the test completes it. */
async function withBusySlot(): Promise<{ h: Harness; submitted: number; taskId: string }> {
  const harness = await startHarness({ env: { MAX_CONCURRENT_JOBS: '1' } });
  harness.apimart.setTaskPlan('next', { outcome: 'never' });
  videoIn(harness.discord, harness.discord.channelId);
  const first = await jobCreated(harness, 1);
  await waitForStatus(harness, first.id, 'submitted');
  const taskId = harness.db.prepare('SELECT task_id FROM jobs WHERE id = ?').pluck().get(first.id) as string;
  return { h: harness, submitted: first.id, taskId };
}

/** The result went to the requester's DMs, without the buttons or reactions that cannot work there. */
function expectResultByDm(harness: Harness, jobId: number, why: 'bot_removed' | 'channel_deleted', channelId: string): void {
  const [dm, ...more] = dmsTo(harness.discord, requesterId).filter((r) => r.files.length > 0);
  expect(more).toEqual([]);
  expect(contentOf(dm!)).toBe(`<@${requesterId}>\n${en.delivery.movedToDm(channelId, en.delivery.problem[why])}`);
  expect(dm!.body).not.toHaveProperty('components');
  for (const channel of dmChannelsOf(harness.discord, requesterId)) expect(reactionWritesIn(harness.discord, channel)).toEqual([]);
  expect(job(harness.db, jobId)).toMatchObject({ status: 'delivered' });
  // listed in /video-admin report as a result that missed its channel
  expect(harness.db.prepare('SELECT delivery_problem FROM jobs WHERE id = ?').pluck().get(jobId)).toBe(why);
}

describe('when the bot is removed or a channel disappears', () => {
  it('on GUILD_DELETE cancels and releases every unsubmitted job there, and delivers the submitted one by DM', async () => {
    const busy = await withBusySlot();
    h = busy.h;
    const { discord, apimart } = h;
    videoIn(discord, discord.channelId, { userId: otherMemberId });
    const queued = await jobCreated(h, 2);
    videoIn(discord, discord.channelId, { userId: thirdMemberId, duration: 12 });
    const waiting = await jobCreated(h, 3);
    await waitForStatus(h, waiting.id, 'awaiting_confirmation');
    expect(job(h.db, queued.id).status).toBe('queued');

    discord.removeGuild();
    for (const id of [queued.id, waiting.id]) {
      expect(await waitForStatus(h, id, 'cancelled')).toMatchObject({ failure_code: 'guild_removed' });
      expect(ledgerKinds(h, id)).toEqual(['reserve', 'release']);
    }
    await discord.waitFor(() => dmsTo(discord, otherMemberId).length === 1 && dmsTo(discord, thirdMemberId).length === 1);
    expect(contentOf(dmsTo(discord, otherMemberId)[0]!)).toBe(en.placeGoneCancelled(queued.id, 'guild_removed'));

    const postsBefore = discord.requests.filter(postsTo(discord.channelId)).length;
    apimart.completeTask(busy.taskId);
    await waitForStatus(h, busy.submitted, 'delivered');
    expectResultByDm(h, busy.submitted, 'bot_removed', discord.channelId);
    expect(discord.requests.filter(postsTo(discord.channelId))).toHaveLength(postsBefore);
    expect(apimart.submits()).toHaveLength(1);
  });

  it('on THREAD_DELETE cancels that thread’s unsubmitted job and leaves other channels alone', async () => {
    h = await startHarness();
    const { discord } = h;
    const thread = discord.addChannel({ type: ChannelKind.publicThread, parentId: discord.channelId, members: [discord.botUserId] });
    await discord.waitFor(() => h!.app.client.channels.cache.has(thread.id));
    videoIn(discord, thread.id, { duration: 12 });
    const inThread = await jobCreated(h, 1);
    videoIn(discord, discord.channelId, { duration: 12, userId: otherMemberId });
    const elsewhere = await jobCreated(h, 2);
    await waitForStatus(h, elsewhere.id, 'awaiting_confirmation');

    discord.deleteChannel(thread.id);
    expect(await waitForStatus(h, inThread.id, 'cancelled')).toMatchObject({ failure_code: 'channel_deleted' });
    expect(ledgerKinds(h, inThread.id)).toEqual(['reserve', 'release']);
    expect(job(h.db, elsewhere.id).status).toBe('awaiting_confirmation');
    expect(ledgerKinds(h, elsewhere.id)).toEqual(['reserve']);
  });

  it('on CHANNEL_DELETE cancels the jobs of the channel and its threads, and delivers the submitted one by DM', async () => {
    h = await startHarness({ env: { MAX_CONCURRENT_JOBS: '1' } });
    const { discord, apimart } = h;
    const doomed = discord.addChannel();
    const thread = discord.addChannel({ type: ChannelKind.publicThread, parentId: doomed.id, members: [discord.botUserId] });
    await discord.waitFor(() => h!.app.client.channels.cache.has(thread.id));
    apimart.setTaskPlan('next', { outcome: 'never' });
    videoIn(discord, doomed.id);
    const submitted = await jobCreated(h, 1);
    await waitForStatus(h, submitted.id, 'submitted');
    videoIn(discord, thread.id, { userId: otherMemberId });
    const queued = await jobCreated(h, 2);

    discord.deleteChannel(doomed.id);
    expect(await waitForStatus(h, queued.id, 'cancelled')).toMatchObject({ failure_code: 'channel_deleted' });
    expect(ledgerKinds(h, queued.id)).toEqual(['reserve', 'release']);
    const taskId = h.db.prepare('SELECT task_id FROM jobs WHERE id = ?').pluck().get(submitted.id) as string;
    apimart.completeTask(taskId);
    await waitForStatus(h, submitted.id, 'delivered');
    expectResultByDm(h, submitted.id, 'channel_deleted', doomed.id);
    // the result was never tried in the deleted channel
    expect(discord.requests.filter((r) => postsTo(doomed.id)(r) && r.status === 404)).toEqual([]);
  });

  it('refuses a command from a server the bot is not in, with nothing reserved', async () => {
    h = await startHarness();
    const { discord } = h;
    const elsewhere = discord.sendCommand({ name: 'video', guildId: '1290000000000000001', options: [{ name: 'prompt', type: 3, value: 'a cat' }] });
    expect(await answerTo(discord, elsewhere.id)).toMatchObject({ ephemeral: true, content: en.notInServer });
    discord.removeGuild();
    await discord.waitFor(() => !h!.app.client.guilds.cache.has(discord.guildId));
    const afterKick = discord.sendCommand({ name: 'usage' });
    expect(await answerTo(discord, afterKick.id)).toMatchObject({ ephemeral: true, content: en.notInServer });
    expect(jobs(h.db)).toEqual([]);
  });
});

describe('on start, before spending', () => {
  it('cancels a queued job whose channel was deleted while the bot was down, instead of submitting it', async () => {
    const busy = await withBusySlot();
    h = busy.h;
    const channel = h.discord.addChannel();
    videoIn(h.discord, channel.id, { userId: otherMemberId });
    const queued = await jobCreated(h, 2);
    h.discord.deleteChannel(channel.id, { offline: true });
    h = await h.restart({ MAX_CONCURRENT_JOBS: '5' });
    expect(await waitForStatus(h, queued.id, 'cancelled')).toMatchObject({ failure_code: 'channel_deleted' });
    expect(ledgerKinds(h, queued.id)).toEqual(['reserve', 'release']);
    expect(h.apimart.submits()).toHaveLength(1);
  });

  it('cancels the queued jobs of a server the bot left while down, and delivers its submitted job by DM', async () => {
    // Within the default allowance: the restarted bot still updates the cancelled card's reactions in the
    // server it left (403s, each first a 429 when the restart came within the channel's 250 ms window).
    const busy = await withBusySlot();
    h = busy.h;
    videoIn(h.discord, h.discord.channelId, { userId: otherMemberId });
    const queued = await jobCreated(h, 2);
    h.discord.removeGuild(h.discord.guildId, { offline: true });
    h = await h.restart({ MAX_CONCURRENT_JOBS: '5' });
    expect(await waitForStatus(h, queued.id, 'cancelled')).toMatchObject({ failure_code: 'guild_removed' });
    expect(h.apimart.submits()).toHaveLength(1);
    h.apimart.completeTask(busy.taskId);
    await waitForStatus(h, busy.submitted, 'delivered');
    expectResultByDm(h, busy.submitted, 'bot_removed', h.discord.channelId);
  });
});
