import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { cardColours } from '../../src/services/status/statusCard.ts';
import { checkAndStop, isResultPost, startHarness, type Harness } from './harness.ts';
import { answerTo, buttonIds, customId, embedOf, fieldOf, type EmbedJson } from './buttonsHelpers.ts';
import { requesterId, startJob, waitForStatus } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const cardEdits = (hh: Harness) => hh.discord.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
const embedIn = (body: unknown) => (body as { embeds?: EmbedJson[] }).embeds?.[0];

describe('the job card', () => {
  it('follows one job from waiting for ✅ to done: colour, settings, estimate, progress, then one line linking to the result', async () => {
    h = await startHarness();
    const { discord } = h;
    const prompt = 'a [free nitro](https://evil.example) paper boat # sailing';
    const awaiting = await startJob(h, { duration: 12, prompt });
    const statusId = awaiting.status_message_id as string;
    const waiting = discord.messages.get(statusId)!;
    expect(embedOf(waiting)).toMatchObject({ color: cardColours.waiting, description: 'a \\[free nitro](https://evil.example) paper boat # sailing' });
    expect(fieldOf(embedOf(waiting), 'Model')).toBe('Seedance 2.0 Fast');
    expect(fieldOf(embedOf(waiting), 'Duration')).toBe('12 s');
    expect(fieldOf(embedOf(waiting), 'Orientation')).toBe('landscape');
    expect(waiting.content).toContain('Waiting for the requester to press Start');
    expect(fieldOf(embedOf(waiting), 'Resolution')).toBe('720p');
    expect(fieldOf(embedOf(waiting), 'Sound')).toBe('with sound');
    expect(fieldOf(embedOf(waiting), 'Estimate')).toBe('$1.0272');
    expect(waiting.content).not.toContain('evil.example');
    expect(buttonIds(waiting)).toEqual([customId(awaiting.id, 'start'), customId(awaiting.id, 'cancel')]);

    await answerTo(discord, discord.clickButton(statusId, customId(awaiting.id, 'start'), requesterId));
    const done = await waitForStatus(h, awaiting.id, 'delivered');
    const resultId = done.result_message_id as string;
    const link = `https://discord.com/channels/${discord.guildId}/${discord.channelId}/${resultId}`;
    await discord.waitFor(() => discord.messages.get(statusId)!.content === en.card.doneLine(link));
    const shrunk = discord.messages.get(statusId)!;
    expect(shrunk.content).toBe(`✅ Done: ${link}`);
    expect(shrunk.embeds).toEqual([]);
    expect(shrunk.components).toEqual([]);
    expect(shrunk.flags & 4).toBe(4);

    const colours = cardEdits(h).map((r) => embedIn(r.body)?.color).filter((c) => c !== undefined);
    expect(colours).toContain(cardColours.generating);
    const generating = cardEdits(h).map((r) => embedIn(r.body)).filter((e) => e?.color === cardColours.generating);
    expect(generating.every((e) => /^[▰▱]{10} \d{1,3}%$/.test(fieldOf(e, 'Progress') ?? ''))).toBe(true);
    // Progress and the ETA are the embed's: the line above it says only what is happening.
    const generatingLines = cardEdits(h).filter((r) => embedIn(r.body)?.color === cardColours.generating).map((r) => (r.body as { content: string }).content);
    expect(generatingLines.length).toBeGreaterThan(0);
    for (const line of generatingLines) expect(line).not.toMatch(/%|<t:/);
    expect(generating.every((e) => fieldOf(e, 'Estimate') === '$1.0272')).toBe(true);
    const etas = generating.map((e) => fieldOf(e, 'Ready')).filter((v) => v !== undefined);
    for (const eta of etas) expect(eta).toMatch(/^<t:\d+:R>$|^Taking longer than estimated$/);
  });

  it('posts the result as the requester’s mention and the video, then the embed with settings, cost and job, then the buttons', async () => {
    h = await startHarness();
    const { discord } = h;
    h.apimart.setTaskPlan('next', { cost: 0.35 });
    const started = await startJob(h, { duration: 4, prompt: 'a heron <@&1600000000000000009> @everyone' });
    await waitForStatus(h, started.id, 'delivered');
    const post = discord.requests.find(isResultPost)!;
    const body = post.body as {
      content: string; allowed_mentions: unknown; embeds: EmbedJson[]; components: { components: { custom_id: string }[] }[];
      attachments: { id: string; filename: string; description?: string }[]; message_reference?: unknown;
    };
    expect(body.content).toBe(`<@${requesterId}>`);
    expect(post.files.map((f) => f.filename)).toEqual([`video-${started.id}.mp4`]);
    expect(body.attachments).toEqual([{ id: '0', filename: `video-${started.id}.mp4`, description: 'a heron <@&1600000000000000009> @everyone' }]);
    // No reply to the card: the card's last state links here, and the reply would show it again above the video.
    expect(body.message_reference).toBeUndefined();
    expect(body.allowed_mentions).toEqual({ parse: [], users: [requesterId], replied_user: false });
    expect(body.embeds).toHaveLength(1);
    expect(body.embeds[0]!.description).toBe('a heron <@&1600000000000000009> @everyone');
    expect(fieldOf(body.embeds[0], 'Cost')).toBe('$0.35');
    expect(fieldOf(body.embeds[0], 'Duration')).toBe('4 s');
    expect(body.embeds[0]!.footer).toEqual({ text: `Job #${started.id}` });
    expect(body.embeds[0]!.color).toBe(cardColours.done);
    expect(body.components[0]!.components.map((c) => c.custom_id)).toEqual(['again', 'edit', 'dm', 'delete'].map((a) => `job:${started.id}:${a}`));
    // Each fact once in the message: the cost, the job's number; and no line that repeats the buttons as reactions.
    expect(JSON.stringify(body).split('$0.35')).toHaveLength(2);
    expect(JSON.stringify(body).split(`#${started.id}`)).toHaveLength(2);
    expect(JSON.stringify(body)).not.toMatch(/React|🔁/);
    // The card's last state holds neither: one line with the link.
    const card = discord.messages.get(started.status_message_id as string)!;
    await discord.waitFor(() => card.content.startsWith(en.card.doneLine('')));
    expect(card.content).not.toMatch(/\$0\.35|#\d/);
    // The reactions stay beside the buttons, so both ways of steering work.
    const resultId = (post.responseBody as { id: string }).id;
    await discord.waitFor(() => discord.messages.get(resultId)!.reactions.size === 3);
    expect([...discord.messages.get(resultId)!.reactions.keys()]).toEqual(['🔁', '📩', '❌']);
  });

  it('turns red with the reason when the provider fails the job, with no buttons left', async () => {
    h = await startHarness();
    const { discord } = h;
    h.apimart.setTaskPlan('next', { outcome: 'failed' });
    const started = await startJob(h, { duration: 4 });
    await waitForStatus(h, started.id, 'failed');
    const statusId = started.status_message_id as string;
    await discord.waitFor(() => embedOf(discord.messages.get(statusId))?.color === cardColours.failed);
    const card = discord.messages.get(statusId)!;
    expect(card.content).toContain('Failed');
    expect(card.components).toEqual([]);
    expect(fieldOf(embedOf(card), 'Progress')).toBeUndefined();
  });

  it('shows a Japanese requester’s card in Japanese', async () => {
    h = await startHarness();
    const { discord } = h;
    discord.sendCommand({ name: 'video', locale: 'ja', options: [{ name: 'prompt', type: 3, value: '雪の中のキツネ' }, { name: 'duration', type: 4, value: 12 }, { name: 'aspect_ratio', type: 3, value: 'portrait' }] });
    await discord.waitFor(() => [...discord.messages.values()].some((m) => m.components.length > 0), 10_000);
    const card = [...discord.messages.values()].find((m) => m.components.length > 0)!;
    expect(fieldOf(embedOf(card), '向き')).toBe('縦長');
    expect(fieldOf(embedOf(card), '長さ')).toBe('12秒');
    expect(card.content).toContain('「開始」を押すのを待っています');
    expect((card.components[0] as { components: { label: string }[] }).components.map((c) => c.label)).toEqual(['開始', 'キャンセル']);
    expect(fieldOf(embedOf(card), 'モデル')).toBe('Seedance 2.0 Fast');
    expect(fieldOf(embedOf(card), '音声')).toBe('音声あり');
  });
});
