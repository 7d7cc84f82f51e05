import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { dmCopyWindowMs } from '../../src/services/jobs/dmCopy.ts';
import { checkAndStop, startHarness, videoOptions, type Harness } from './harness.ts';
import { answerTo, customId } from './buttonsHelpers.ts';
import { contentOf, deliveredJob, dmsTo, otherMemberId, waitForStatus } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const taskOf = (harness: Harness, jobId: number) => harness.db.prepare('SELECT task_id FROM jobs WHERE id = ?').pluck().get(jobId) as string;
const resultReads = (harness: Harness, messageId: string) => harness.discord.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/messages/${messageId}`));

describe('DM me', () => {
  it('says nothing was sent when the hourly limit holds it back, and when it may be asked again', async () => {
    h = await startHarness();
    const { discord } = h;
    const done = await deliveredJob(h);
    const click = () => answerTo(discord, discord.clickButton(done.result_message_id, customId(done.id, 'dm'), otherMemberId));
    expect((await click()).content).toBe(en.controls.dmSent);
    expect((await click()).content).toBe(en.controls.dmSent);
    await discord.waitFor(() => dmsTo(discord, otherMemberId).length === 2);
    const claimedAt = h.db.prepare('SELECT sent_at FROM dm_copies WHERE job_id = ? AND user_id = ?').pluck().get(done.id, otherMemberId) as number;

    const limited = await click();
    expect(limited.content).toBe(en.controls.dmLimited(done.id, claimedAt + dmCopyWindowMs));
    expect(limited.content).not.toBe(en.controls.dmSent);
    expect(limited.content).toContain(`<t:${Math.floor((claimedAt + dmCopyWindowMs) / 1000)}:R>`);
    expect(dmsTo(discord, otherMemberId)).toHaveLength(2);
  });

  it('sends the copy from the result message’s own file once the provider’s link has expired', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const done = await deliveredJob(h);
    const channelFile = discord.messages.get(done.result_message_id)!.attachments[0]!;
    apimart.expireVideo(taskOf(h, done.id));

    const answer = await answerTo(discord, discord.clickButton(done.result_message_id, customId(done.id, 'dm'), otherMemberId));
    expect(answer.content).toBe(en.controls.dmSent);
    const [dm] = dmsTo(discord, otherMemberId);
    expect(contentOf(dm!)).toBe(en.reactions.dmCopy(done.id));
    expect(dm!.files).toHaveLength(1);
    expect(Buffer.compare(dm!.files[0]!.bytes, apimart.defaults.videoBytes)).toBe(0);
    // Read again from Discord, for a link signed now, rather than trusting one stored a day ago.
    expect(resultReads(h, done.result_message_id)).toHaveLength(1);
    expect(discord.downloads).toContain(new URL(channelFile.url).pathname);
  });

  it('sends the channel file’s link as the second copy of the hour once the provider’s link has expired', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const done = await deliveredJob(h);
    h.db.prepare('UPDATE jobs SET video_expires_at = ? WHERE id = ?').run(Date.now() - 1_000, done.id);
    apimart.expireVideo(taskOf(h, done.id));
    const click = () => answerTo(discord, discord.clickButton(done.result_message_id, customId(done.id, 'dm'), otherMemberId));
    expect((await click()).content).toBe(en.controls.dmSent);
    expect((await click()).content).toBe(en.controls.dmSent);
    const link = dmsTo(discord, otherMemberId).find((r) => r.files.length === 0)!;
    const fresh = discord.messages.get(done.result_message_id)!.attachments[0]!.url;
    expect(contentOf(link)).toBe(en.delivery.dmCopyAgain(done.id, fresh, null));
  });

  it('says the video is gone, and sends nothing, when neither the provider nor the channel has it any more', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    // Too large for the upload limit: the result is posted as the provider's link, so the channel holds no file.
    discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }), attachmentSizeLimit: 8 });
    const done = await waitForStatus(h, 1, 'delivered');
    const resultId = done.result_message_id as string;
    expect(discord.messages.get(resultId)!.attachments).toEqual([]);
    apimart.expireVideo(taskOf(h, done.id));
    const answer = await answerTo(discord, discord.clickButton(resultId, customId(done.id, 'dm'), otherMemberId));
    expect(answer.content).toBe(en.reactions.videoGone(done.id));
    expect(dmsTo(discord, otherMemberId)).toEqual([]);
    // Nothing arrived, so nothing counts against the hour.
    expect(h.db.prepare('SELECT COUNT(*) FROM dm_copies WHERE job_id = ?').pluck().get(done.id)).toBe(0);
  });
});
