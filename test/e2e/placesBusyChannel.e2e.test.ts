import { afterEach, describe, expect, it } from 'vitest';
import { ChannelKind } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, startHarness, type Harness } from './harness.ts';
import { jobCreated, videoIn } from './placesHelpers.ts';
import { jobs } from './reactionsHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const userFor = (i: number) => String(1_510_000_000_000_000_000n + BigInt(i));

/**
 * Reactions cannot stall results or status edits elsewhere: their writes wait in a per-channel queue
 * that neither the three delivery slots nor the status-edit slots await. (How fast, is `npm run bench`'s
 * busy-channel stage; here, a channel whose reaction writes never answer at all.)
 */
describe('a busy channel does not stall the others', () => {
  it('delivers every result, here and in another channel, while one channel’s reaction writes hang', async () => {
    h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0' } });
    const { discord } = h;
    const busy = discord.addChannel();
    const other = discord.addChannel({ type: ChannelKind.publicThread, parentId: discord.channelId, members: [discord.botUserId] });
    await discord.waitFor(() => h!.app.client.channels.cache.has(other.id));
    discord.failNext({ path: new RegExp(`^/channels/${busy.id}/messages/\\d+/reactions/`) }, { hang: true, times: 1_000 });

    // more jobs than delivery slots (3), each result and status wanting reactions that never come back
    for (let i = 0; i < 5; i++) videoIn(discord, busy.id, { userId: userFor(i) });
    await jobCreated(h, 5);
    videoIn(discord, other.id, { userId: userFor(99) });
    await jobCreated(h, 6);

    await discord.waitFor(() => jobs(h!.db).every((j) => j.status === 'delivered'), 15_000);
    const posted = discord.requests.filter((r) => isResultPost(r) && r.status === 200).map((r) => r.path);
    expect(posted.filter((p) => p === `/channels/${busy.id}/messages`)).toHaveLength(5);
    expect(posted.filter((p) => p === `/channels/${other.id}/messages`)).toHaveLength(1);
    // the other channel's result got its controls; the busy channel's are still waiting
    await discord.waitFor(() => discord.requests.some((r) => r.method === 'PUT' && r.path.startsWith(`/channels/${other.id}/`) && r.path.endsWith('/@me') && r.status === 204));
    expect(discord.requests.filter((r) => r.path.startsWith(`/channels/${busy.id}/messages/`) && r.path.includes('/reactions/') && r.status !== 0)).toEqual([]);
  });
});
