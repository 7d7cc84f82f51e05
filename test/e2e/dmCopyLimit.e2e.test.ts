import { afterEach, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { systemClock, type Clock } from '../../src/clock.ts';
import { dmCopyWindowMs } from '../../src/services/jobs/dmCopy.ts';
import { checkAndStop, startHarness, type Harness } from './harness.ts';
import { contentOf, deliveredJob, dmsTo, isChannelPost, otherMemberId } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

function movableClock() {
  let offsetMs = 0;
  const clock: Clock = { ...systemClock, now: () => systemClock.now() + offsetMs };
  return { clock, advance: (ms: number) => { offsetMs += ms; } };
}

const videoDownloads = (harness: Harness) => harness.apimart.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/files/'));
const requested = (harness: Harness) => harness.logLines.filter((line) => JSON.parse(line).event === 'result_dm_requested').length;

async function react(harness: Harness, messageId: string, times: number, userId = otherMemberId): Promise<void> {
  const before = requested(harness);
  for (let i = 0; i < times; i++) harness.discord.sendReaction({ userId, messageId, emoji: '📩' });
  await harness.discord.waitFor(() => requested(harness) === before + times, 10_000);
}

it('answers ten 📩 from one member with one copy and one link, and keeps that limit across a restart for an hour', async () => {
  const time = movableClock();
  h = await startHarness({ appDeps: { clock: time.clock } });
  const done = await deliveredJob(h);
  const downloadsBefore = videoDownloads(h).length;

  await react(h, done.result_message_id, 10);
  await h.discord.waitFor(() => dmsTo(h!.discord, otherMemberId).length === 2);
  // The link needs no download, so it may arrive before the copy.
  const dms = dmsTo(h.discord, otherMemberId);
  const copy = dms.find((r) => r.files.length > 0);
  const link = dms.find((r) => r.files.length === 0);
  expect(copy!.files).toHaveLength(1);
  const row = h.db.prepare('SELECT video_url, video_expires_at FROM jobs WHERE id = ?').get(done.id) as { video_url: string; video_expires_at: number };
  expect(contentOf(link!)).toBe(en.delivery.dmCopyAgain(done.id, row.video_url, row.video_expires_at));
  expect(videoDownloads(h)).toHaveLength(downloadsBefore + 1);

  h = await h.restart();
  await react(h, done.result_message_id, 3);
  expect(dmsTo(h.discord, otherMemberId)).toHaveLength(2);
  expect(videoDownloads(h)).toHaveLength(downloadsBefore + 1);

  time.advance(dmCopyWindowMs + 1_000);
  await react(h, done.result_message_id, 1);
  await h.discord.waitFor(() => dmsTo(h!.discord, otherMemberId).length === 3);
  expect(dmsTo(h.discord, otherMemberId)[2]!.files).toHaveLength(1);
  expect(videoDownloads(h)).toHaveLength(downloadsBefore + 2);
});

it('answers 📩 toggles from a member whose DMs are closed with one download and at most two notices', async () => {
  h = await startHarness({ appDeps: { reactionNoticeLifetimeMs: 200 } });
  const done = await deliveredJob(h);
  const closedId = '1500000000000000009';
  const downloadsBefore = videoDownloads(h).length;
  const closedNotices = () => h!.discord.requests.filter((r) => isChannelPost(h!.discord.channelId)(r) && contentOf(r).includes(en.reactions.dmClosed));
  h.discord.dmFailsFor(closedId);
  // Each toggle used to download the video and upload it to a closed DM again, with a channel notice each time.
  // One at a time, each toggle's outcome seen before the next: ended in a failed DM, or granted nothing.
  const outcomes = () => h!.logLines.map((line) => JSON.parse(line) as { event: string; grant?: string })
    .filter((e) => e.event === 'result_dm_failed' || (e.event === 'result_dm_requested' && e.grant === 'none')).length;
  for (let i = 0; i < 5; i++) {
    await react(h, done.result_message_id, 1, closedId);
    await h.discord.waitFor(() => outcomes() === i + 1, 10_000);
  }
  expect(videoDownloads(h)).toHaveLength(downloadsBefore + 1);
  expect(closedNotices().length).toBeLessThanOrEqual(2);
  expect(dmsTo(h.discord, closedId)).toHaveLength(0);
});

it('gives a member whose DMs were closed the link at once after they open them, without downloading again', async () => {
  h = await startHarness({ appDeps: { reactionNoticeLifetimeMs: 200 } });
  const done = await deliveredJob(h);
  const closedId = '1500000000000000009';
  h.discord.dmFailsFor(closedId);
  await react(h, done.result_message_id, 1, closedId);
  await h.discord.waitForRequest((r) => isChannelPost(h!.discord.channelId)(r) && contentOf(r).includes(en.reactions.dmClosed));
  const downloads = videoDownloads(h).length;
  h.discord.dmOpensFor(closedId);
  await react(h, done.result_message_id, 1, closedId);
  await h.discord.waitFor(() => dmsTo(h!.discord, closedId).length === 1);
  const row = h.db.prepare('SELECT video_url, video_expires_at FROM jobs WHERE id = ?').get(done.id) as { video_url: string; video_expires_at: number };
  expect(contentOf(dmsTo(h.discord, closedId)[0]!)).toBe(en.delivery.dmCopyAgain(done.id, row.video_url, row.video_expires_at));
  expect(videoDownloads(h)).toHaveLength(downloads);
});
