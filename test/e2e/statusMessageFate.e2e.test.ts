import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { interactionTokenLifetimeMs } from '../../src/services/status/statusWriter.ts';
import { DEFAULT_USER_ID, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { dmsTo } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const contentOf = (r: RecordedRequest) => String((r.body as { content?: unknown } | undefined)?.content ?? '');
const isOriginalEdit = (r: RecordedRequest) => r.method === 'PATCH' && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(r.path);
const isFollowUp = (r: RecordedRequest) => r.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(r.path);
const isChannelEditOf = (messageId: string) => (r: RecordedRequest) => r.method === 'PATCH' && r.path.startsWith('/channels/') && r.path.endsWith(`/messages/${messageId}`);
const isStatusPost = (r: RecordedRequest) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && contentOf(r).startsWith(en.statusTitle(1));
const statusMessageId = (harness: Harness) => harness.db.prepare('SELECT status_message_id FROM jobs WHERE id = 1').pluck().get() as string | null;

/** A job the provider keeps "generating" (its status text changes on every poll) until `finish`. */
async function runningJob(harness: Harness) {
  harness.apimart.setTaskPlan('next', { outcome: 'never' });
  harness.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
  await harness.discord.waitFor(() => jobRows(harness.db)[0]?.status === 'submitted' && statusMessageId(harness) !== null, 10_000);
  const taskId = jobRows(harness.db)[0]!.task_id!;
  return async () => {
    harness.apimart.completeTask(taskId);
    await harness.discord.waitFor(() => jobRows(harness.db)[0]?.status === 'delivered', 10_000);
  };
}

/** After a deletion: no status anywhere in the channel again, the result delivered once, settled. */
async function expectQuietThenDelivered(harness: Harness, goneAt: number, finish: () => Promise<void>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  await finish();
  const after = harness.discord.requests.filter((r) => r.at > goneAt);
  expect(after.filter((r) => isOriginalEdit(r) || isStatusPost(r) || (r.method === 'PATCH' && r.path.startsWith('/channels/')))).toEqual([]);
  expect(harness.discord.requests.filter(isStatusPost)).toEqual([]);
  expect(harness.discord.requests.filter((r) => isResultPost(r) && r.status === 200)).toHaveLength(1);
  expect(ledgerRows(harness.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
}

describe('a status message a moderator deleted (10008)', () => {
  it('stays deleted: the requester gets one ephemeral note through the live token, and the result is still delivered', async () => {
    h = await startHarness();
    const finish = await runningJob(h);
    h.discord.messages.get(statusMessageId(h)!)!.deleted = true;
    const gone = await h.discord.waitForRequest((r) => isOriginalEdit(r) && r.status === 404, 10_000);
    expect(gone.responseBody).toMatchObject({ code: 10008 });
    const note = await h.discord.waitForRequest(isFollowUp, 10_000);
    expect(note.body).toMatchObject({ content: en.delivery.statusDeleted(1), flags: 64 });
    await expectQuietThenDelivered(h, note.at, finish);
    expect(h.discord.requests.filter(isFollowUp)).toHaveLength(1);
    expect(dmsTo(h.discord, DEFAULT_USER_ID)).toEqual([]);
  });

  it('stays deleted once the token is too old: the requester is told once by DM', async () => {
    h = await startHarness();
    const finish = await runningJob(h);
    const statusId = statusMessageId(h)!;
    h.db.prepare('UPDATE jobs SET interaction_at = interaction_at - ? WHERE id = 1').run(interactionTokenLifetimeMs + 60_000);
    await h.discord.waitForRequest((r) => isChannelEditOf(statusId)(r) && r.status === 200, 10_000);
    h.discord.messages.get(statusId)!.deleted = true;
    const gone = await h.discord.waitForRequest((r) => isChannelEditOf(statusId)(r) && r.status === 404, 10_000);
    await h.discord.waitFor(() => dmsTo(h!.discord, DEFAULT_USER_ID).length === 1, 10_000);
    expect(contentOf(dmsTo(h.discord, DEFAULT_USER_ID)[0]!)).toBe(en.delivery.statusDeleted(1));
    await expectQuietThenDelivered(h, gone.at, finish);
    expect(dmsTo(h.discord, DEFAULT_USER_ID)).toHaveLength(1);
    expect(h.discord.requests.filter(isFollowUp)).toEqual([]);
  });
});

describe('the orientation a reference image decides', () => {
  it('is the orientation the card shows, with why, in the public status rather than an ephemeral follow-up', async () => {
    h = await startHarness();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const image = h.discord.addAttachment({ filename: 'tall.png', contentType: 'image/png', bytes: png, width: 720, height: 1280 });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4, aspect_ratio: 'landscape', imageId: image.id }), attachments: [image] });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 15_000);
    const shown = en.card.orientationFromImage(en.orientation.portrait, en.orientation.landscape);
    const statusId = statusMessageId(h)!;
    await h.discord.waitFor(() => h!.discord.messages.get(statusId)!.content.startsWith(en.card.doneLine('')));
    // Every card shows it; once the video is posted the card shrinks to its one-line link.
    const cards = h.discord.requests.filter(isOriginalEdit).filter((r) => !contentOf(r).startsWith(en.card.doneLine('')));
    expect(cards.length).toBeGreaterThan(0);
    const orientationOf = (r: RecordedRequest) => (r.body as { embeds: { fields: { name: string; value: string }[] }[] }).embeds[0]!.fields
      .find((f) => f.name === en.card.orientation)?.value;
    expect(cards.map(orientationOf)).toEqual(cards.map(() => shown));
    expect(shown).toBe('portrait (set by the reference image, not `aspect_ratio: landscape`)');
    // The result shows it in its own settings, beside the video.
    const result = h.discord.requests.find(isResultPost)!;
    expect(orientationOf(result)).toBe(shown);
    expect(h.discord.requests.filter(isFollowUp)).toEqual([]);
  });
});
