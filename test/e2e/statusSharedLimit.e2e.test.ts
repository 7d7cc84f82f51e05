import { afterEach, describe, expect, it } from 'vitest';
import { checkAndStop, jobRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { job } from './reactionsHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const isInteractionEdit = (r: { method: string; path: string }) => r.method === 'PATCH' && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(r.path);
/** Longer than an edit already sent takes to arrive at the fake on 127.0.0.1. */
const inFlightMs = 200;
const members = ['1500000000000000021', '1500000000000000022', '1500000000000000023'];

describe('status edits under a shared rate limit', () => {
  it('sends no interaction edit, for any job, until Retry-After has passed, and still shows every job done', async () => {
    h = await startHarness();
    const retryAfterSec = 2;
    h.discord.failNext({ method: 'PATCH', path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/ }, { status: 429, retryAfterSec, scope: 'shared' });
    for (const userId of members) h.discord.sendCommand({ name: 'video', options: videoOptions({}), userId });
    await h.discord.waitFor(() => jobRows(h!.db).filter((j) => j.status === 'delivered').length === members.length, 20_000);
    const cardDone = (jobId: number) => h!.discord.messages.get(job(h!.db, jobId).status_message_id as string)?.content.startsWith('✅');
    await h.discord.waitFor(() => jobRows(h!.db).every((j) => cardDone(j.id)), 10_000);

    const edits = h.discord.requests.filter(isInteractionEdit);
    const limited = edits.find((r) => r.status === 429)!;
    expect(limited).toBeDefined();
    // Each job's edit goes through its own token's route: only the bot's pace can hold the others. Edits
    // already on their way when the 429 came arrive within a few milliseconds; the next wait it out.
    const sinceLimited = edits.filter((r) => r.at > limited.at).map((r) => r.at - limited.at);
    expect(sinceLimited.filter((ms) => ms > inFlightMs && ms < retryAfterSec * 1000 - 20)).toEqual([]);
    expect(sinceLimited.some((ms) => ms >= retryAfterSec * 1000 - 20)).toBe(true);
  });
});
