import { afterEach, describe, expect, it } from 'vitest';
import { validateRecordedRequests } from '../fakes/discordSpec.ts';
import { DEFAULT_USER_ID } from '../fakes/fakeDiscord.ts';
import { testEngine } from '../support/testDatabase.ts';
import { eventually, isCallback, isResultPost, jobRowsOf, ledgerRowsOf, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe(`/video end to end (${testEngine})`, () => {
  it('delivers an 8 s text job as an uploaded file whose bytes match the provider video', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const interaction = discord.sendCommand({ name: 'video', options: videoOptions({ duration: 8 }) });

    const callback = await discord.waitForRequest(isCallback(interaction.id));
    // The acknowledgement is the first status itself: public, numbered, with the parameters and the queue.
    expect(callback.body).toMatchObject({ type: 4 });
    type Card = { description?: string; fields?: { name: string; value: string }[] };
    const first = (callback.body as { data: { content: string; flags?: number; allowed_mentions?: unknown; embeds?: Card[]; components?: unknown[] } }).data;
    expect((first.flags ?? 0) & 64).toBe(0);
    // It names the requester, and pings nobody.
    expect(first.allowed_mentions).toEqual({ parse: [], users: [], replied_user: false });
    const [created] = await jobRowsOf(h);
    expect(first.content).toContain(`#${created!.id}`);
    // The same card every later edit shows: the prompt and the estimate in its embed, Cancel beside it.
    const card = first.embeds![0]!;
    expect(card.description).toContain('a fox running through fresh snow');
    expect(card.fields).toContainEqual(expect.objectContaining({ name: 'Estimate', value: '$0.6848' }));
    expect(JSON.stringify(first.components)).toContain(`job:${created!.id}:cancel`);
    expect(first.content).toMatch(/[Qq]ueue/);
    expect(discord.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original') && r.at < callback.at)).toEqual([]);

    const result = await discord.waitForRequest(isResultPost, 10_000);
    expect(result.files).toHaveLength(1);
    expect(Buffer.compare(result.files[0]!.bytes, apimart.defaults.videoBytes)).toBe(0);
    expect(result.body).toMatchObject({ allowed_mentions: { parse: [], users: [DEFAULT_USER_ID] } });
    expect(String((result.body as { content: string }).content)).toContain(`<@${DEFAULT_USER_ID}>`);

    const submits = apimart.submits();
    expect(submits).toHaveLength(1);
    expect(submits[0]!.body).toEqual({
      model: 'seedance-2.0-fast', prompt: 'a fox running through fresh snow', duration: 8, size: '16:9', resolution: '720p', generate_audio: true,
    });

    await eventually(async () => (await jobRowsOf(h!))[0]?.status === 'delivered');
    const [job] = await jobRowsOf(h);
    expect(job).toMatchObject({ status: 'delivered', estimate_micros: 684_800, cost_micros: 684_800 });
    expect(job!.task_id).toBe(apimart.submits()[0] && [...apimart.tasks.keys()][0]);
    expect((await ledgerRowsOf(h)).map((r) => [r.kind, r.amount_micros])).toEqual([['reserve', 684_800], ['settle', 0]]);
    expect(validateRecordedRequests(discord.requests)).toEqual([]);
  });
});
