import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { checkAndStop, jobRows, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const isReactionWrite = (r: { method: string; path: string }) => /^\/channels\/\d+\/messages\/\d+\/reactions\//.test(r.path);
const members = ['1500000000000000011', '1500000000000000012', '1500000000000000013'];

describe('reaction writes under Discord\'s rate limits', () => {
  it('adds and removes the reactions of jobs started together in a fresh channel without a single 429', async () => {
    // One reaction write per 250 ms per channel and route, as Discord announces; discord.js learns the
    // bucket from the first answer, so the second write is where a 429 would come from.
    const discord = await FakeDiscord.start({ rateLimits: true });
    h = await startHarness({ discord, ownsFakes: true });
    for (const userId of members) h.discord.sendCommand({ name: 'video', options: videoOptions({}), userId });
    await h.discord.waitFor(() => jobRows(h!.db).filter((j) => j.status === 'delivered').length === members.length, 20_000);
    // Each status shows ❌ while queued and loses it once submitted; each result gets 🔁 📩 ❌.
    const done = () => h!.discord.requests.filter((r) => isReactionWrite(r) && r.status !== 429).length >= members.length * 5;
    await h.discord.waitFor(done, 20_000);

    const writes = h.discord.requests.filter(isReactionWrite);
    expect(writes.filter((r) => r.status === 429).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});
