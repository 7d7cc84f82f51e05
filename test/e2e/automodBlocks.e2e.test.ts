import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import type { RecordedRequest } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { isOwnReactionAdded, requesterId, waitForStatus } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const contentOf = (r: RecordedRequest) => String((r.body as { content?: unknown } | undefined)?.content ?? '');
const isOriginalEdit = (r: RecordedRequest) => r.method === 'PATCH' && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(r.path);
const blocked = (r: RecordedRequest) => (r.responseBody as { code?: number } | undefined)?.code === 200000;

describe("a server's AutoMod", () => {
  it('gets the status again without the prompt, and the job it blocked can still be confirmed with ✅ and delivered', async () => {
    h = await startHarness();
    h.discord.setAutomodKeywords(['fox']);
    // $1.0272, at or above CONFIRM_ABOVE_USD: the job waits for ✅ on the status message.
    const interaction = h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 12, prompt: 'a red fox in the snow' }) });
    // The acknowledgement is the status: refused with the prompt, it is answered again without it.
    const isAnswer = (r: RecordedRequest) => r.path.startsWith(`/interactions/${interaction.id}/`);
    const answerText = (r: RecordedRequest) => String((r.body as { data?: { content?: unknown } } | undefined)?.data?.content ?? '');
    // The card quotes the prompt in its embed, so the whole answer is searched, not only its content.
    const answerShown = (r: RecordedRequest) => `${answerText(r)} ${JSON.stringify((r.body as { data?: { embeds?: unknown } } | undefined)?.data?.embeds ?? [])}`;
    const refused = await h.discord.waitForRequest((r) => isAnswer(r) && blocked(r), 10_000);
    expect(refused.status).toBe(400);
    expect(answerShown(refused)).toContain('a red fox in the snow');
    const written = await h.discord.waitForRequest((r) => isAnswer(r) && r.status === 200, 10_000);
    expect(answerShown(written)).not.toContain('fox');
    expect(answerText(written)).toContain(en.statusTitle(1));

    // The id came with the acknowledgement: it is the interaction's reply, whatever text it shows.
    const replyId = (written.responseBody as { interaction: { response_message_id: string } }).interaction.response_message_id;
    const statusOf = () => h!.db.prepare('SELECT status_message_id FROM jobs WHERE id = 1').pluck().get() as string | null;
    await h.discord.waitFor(() => statusOf() !== null, 10_000);
    const statusId = statusOf() as string;
    expect(statusId).toBe(replyId);
    await h.discord.waitForRequest(isOwnReactionAdded(statusId, '✅'), 10_000);
    h.discord.sendReaction({ userId: requesterId, messageId: statusId, emoji: '✅' });
    await waitForStatus(h, 1, 'delivered', 15_000);
    await h.discord.waitFor(() => h!.discord.messages.get(statusId)!.content.startsWith(en.card.doneLine('')));
    // Later writes leave the prompt out from the start instead of being refused each time.
    expect(h.discord.requests.filter((r) => isOriginalEdit(r) || isAnswer(r)).filter(blocked)).toHaveLength(1);
  });

  it('posts the result without the member’s words (prompt, alt text) when AutoMod blocks a word of them', async () => {
    h = await startHarness();
    h.discord.setAutomodKeywords(['snow']);
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4, prompt: 'a fox in the snow' }) });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 15_000);
    const posts = h.discord.requests.filter(isResultPost);
    expect(posts.map((r) => r.status)).toEqual([400, 200]);
    expect(blocked(posts[0]!)).toBe(true);
    const body = (r: RecordedRequest) => r.body as { embeds: { description?: string; fields: { name: string; value: string }[] }[]; attachments: { description?: string }[] };
    expect(body(posts[0]!).embeds[0]!.description).toBe('a fox in the snow');
    expect(body(posts[0]!).attachments[0]!.description).toBe('a fox in the snow');
    expect(contentOf(posts[1]!)).toBe(`<@${requesterId}>`);
    expect(body(posts[1]!).embeds[0]!.description).toBeUndefined();
    expect(body(posts[1]!).attachments[0]!.description).toBeUndefined();
    expect(body(posts[1]!).embeds[0]!.fields.find((f) => f.name === en.card.cost)?.value).toBe('$0.3424');
    expect(jobRows(h.db)[0]!.result_message_id).toBe((posts[1]!.responseBody as { id: string }).id);
  });
});

describe('the fake AutoMod keyword rule', () => {
  it('answers 400 with code 200000 to a guild message containing a keyword as a whole word, on create and on edit, and leaves DMs alone', async () => {
    h = await startHarness();
    h.discord.setAutomodKeywords(['fox']);
    const api = `${h.discord.apiBase}/v10`;
    const headers = { authorization: `Bot ${h.discord.botToken}`, 'content-type': 'application/json' };
    const post = (path: string, content: string, method = 'POST') => fetch(`${api}${path}`, { method, headers, body: JSON.stringify({ content }) });
    const channel = `/channels/${h.discord.channelId}/messages`;

    const refused = await post(channel, 'a FOX!');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ message: 'Message was blocked by automatic moderation', code: 200000 });
    expect((await post(channel, 'a foxglove')).status).toBe(200);
    const created = await (await post(channel, 'a cat')).json() as { id: string };
    expect((await post(`${channel}/${created.id}`, 'now a fox', 'PATCH')).status).toBe(400);
    const dm = await (await fetch(`${api}/users/@me/channels`, { method: 'POST', headers, body: JSON.stringify({ recipient_id: requesterId }) })).json() as { id: string };
    expect((await post(`/channels/${dm.id}/messages`, 'a fox')).status).toBe(200);
  });
});
