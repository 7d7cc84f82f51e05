import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { systemClock, type Clock } from '../../src/clock.ts';
import { DEFAULT_USER_ID, type FakeDiscord, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { dmsTo } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

/** Real time, but no wait longer than 200 ms: the delivery retry (5 s at first) comes at once. */
const quickRetries: Clock = { ...systemClock, setTimeout: (fn, delayMs) => systemClock.setTimeout(fn, Math.min(delayMs, 200)) };

const channelPost = { method: 'POST', path: /^\/channels\/\d+\/messages$/ };
const isChannelPost = (r: RecordedRequest) => r.method === 'POST' && channelPost.path.test(r.path);
const missingPermissions = { status: 403, body: { message: 'Missing Permissions', code: 50013 } };

/** Messages in Discord (any channel, DMs too) that carry the job's result nonce. */
const resultMessages = (discord: FakeDiscord, jobId: number) =>
  [...discord.messages.values()].filter((m) => !m.deleted && m.nonce === `video-result-${jobId}`);
const logged = (h: Harness, event: string) => h.logLines.filter((line) => JSON.parse(line).event === event);

async function statusMessageOf(harness: Harness): Promise<string> {
  const read = () => harness.db.prepare('SELECT status_message_id FROM jobs WHERE id = 1').pluck().get() as string | null;
  await harness.discord.waitFor(() => read() !== null, 10_000);
  return read()!;
}

async function deliveredJob(harness: Harness) {
  harness.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
  await harness.discord.waitFor(() => jobRows(harness.db)[0]?.status === 'delivered', 15_000);
  return jobRows(harness.db)[0]!;
}

/** Delivered once: one message with the nonce, stored as the result, one log line, one settlement. */
function expectDeliveredOnce(harness: Harness, jobId: number): void {
  const [message, ...others] = resultMessages(harness.discord, jobId);
  expect(others).toEqual([]);
  expect(message?.attachments).toHaveLength(1);
  expect(jobRows(harness.db)[0]).toMatchObject({ id: jobId, status: 'delivered', result_message_id: message!.id });
  expect(logged(harness, 'job_delivered')).toHaveLength(1);
  expect(ledgerRows(harness.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
}

describe('Discord faults on the result upload', () => {
  it('waits out a 429 with Retry-After on the result upload and posts exactly one result', async () => {
    h = await startHarness();
    h.discord.failNext(channelPost, { status: 429, headers: { 'Retry-After': '0.3' } });
    const job = await deliveredJob(h);
    const posts = h.discord.requests.filter(isResultPost);
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expectDeliveredOnce(h, job.id);
  });

  it('retries a 500 on the result upload without a second message, also when Discord had posted it', async () => {
    h = await startHarness();
    h.discord.failNext(channelPost, { status: 500, apply: true });
    const job = await deliveredJob(h);
    const posts = h.discord.requests.filter(isResultPost);
    expect(posts.map((r) => r.status)).toEqual([500, 200]);
    expect(posts.every((r) => (r.body as { nonce?: string; enforce_nonce?: boolean }).nonce === `video-result-${job.id}`)).toBe(true);
    expect(posts.every((r) => (r.body as { enforce_nonce?: boolean }).enforce_nonce === true)).toBe(true);
    expectDeliveredOnce(h, job.id);
  });

  it('retries the delivery after discord.js gives up on 5xx, still with one result message', async () => {
    h = await startHarness({ appDeps: { clock: quickRetries } });
    // discord.js makes 1 + 3 attempts; every one "fails" although the first posted the message
    h.discord.failNext(channelPost, { status: 502, apply: true, times: 4 });
    const job = await deliveredJob(h);
    // The retry first looks for the earlier attempt's post, finds it, and uploads nothing again.
    expect(h.discord.requests.filter(isResultPost).map((r) => r.status)).toEqual([502, 502, 502, 502]);
    expect(logged(h, 'job_delivery_failed')).toHaveLength(1);
    expectDeliveredOnce(h, job.id);
  });

  it('retries an upload whose answer never came (timeout), with one result message whether or not it was posted', async () => {
    h = await startHarness({ appDeps: { clock: quickRetries }, rest: { timeout: 500 } });
    h.discord.failNext(channelPost, { hang: true, apply: true });
    const first = await deliveredJob(h);
    expect(h.discord.requests.filter(isResultPost).map((r) => r.status)).toEqual([0, 200]);
    expectDeliveredOnce(h, first.id);

    // every attempt of discord.js times out without reaching Discord; the delivery retry posts it
    const before = h.discord.requests.length;
    h.discord.failNext(channelPost, { hang: true, times: 4 });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    await h.discord.waitFor(() => jobRows(h!.db)[1]?.status === 'delivered', 15_000);
    const second = jobRows(h.db)[1]!;
    expect(h.discord.requests.slice(before).filter(isResultPost).map((r) => r.status)).toEqual([0, 0, 0, 0, 200]);
    expect(resultMessages(h.discord, second.id)).toHaveLength(1);
    expect(second.result_message_id).toBe(resultMessages(h.discord, second.id)[0]!.id);
    expect(ledgerRows(h.db).filter((r) => r.job_id === second.id).map((r) => r.kind)).toEqual(['reserve', 'settle']);
  });
});

describe('missing permissions and closed DMs around the result', () => {
  it('DMs the result to the requester when the channel answers 50013, and delivers it once', async () => {
    h = await startHarness();
    h.discord.failNext(channelPost, missingPermissions);
    const job = await deliveredJob(h);
    const [dm, ...more] = dmsTo(h.discord, DEFAULT_USER_ID);
    expect(more).toEqual([]);
    expect(dm!.files).toHaveLength(1);
    expect((dm!.body as { message_reference?: unknown }).message_reference).toBeUndefined();
    expectDeliveredOnce(h, job.id);
    expect(h.discord.messages.get(job.result_message_id!)!.channel_id).toBe((dm!.responseBody as { channel_id: string }).channel_id);
  });

  it('keeps editing the one status message in the channel after a DM delivery, once the token is too old', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'submitted', 10_000);
    const statusId = await statusMessageOf(h);
    h.db.prepare('UPDATE jobs SET interaction_at = interaction_at - ? WHERE id = 1').run(15 * 60_000);
    h.discord.failNext(channelPost, missingPermissions);
    h.apimart.completeTask(jobRows(h.db)[0]!.task_id!);
    await h.discord.waitFor(() => h!.discord.messages.get(statusId)!.content.startsWith(en.card.doneLine('')), 10_000);
    expect(dmsTo(h.discord, DEFAULT_USER_ID)).toHaveLength(1);
    const statusPosts = h.discord.requests.filter((r) => isChannelPost(r) && String((r.body as { content?: string }).content).startsWith(en.statusTitle(1)));
    expect(statusPosts).toEqual([]);
    expect(h.discord.requests.filter((r) => r.status === 404)).toEqual([]);
    expectDeliveredOnce(h, 1);
  });

  it('posts a short channel reply with the link when the channel refuses the upload and DMs are closed', async () => {
    h = await startHarness();
    h.discord.dmFailsFor(DEFAULT_USER_ID);
    h.discord.failNext(channelPost, missingPermissions);
    const job = await deliveredJob(h);
    expect(dmsTo(h.discord, DEFAULT_USER_ID)).toEqual([]);
    const [reply, ...others] = resultMessages(h.discord, job.id);
    expect(others).toEqual([]);
    expect(reply!.channel_id).toBe(h.discord.channelId);
    expect(reply!.attachments).toEqual([]);
    expect(reply!.content.split('\n')[0]).toBe(`<@${DEFAULT_USER_ID}>`);
    expect(reply!.content).toContain(h.apimart.baseUrl);
    expect(job.result_message_id).toBe(reply!.id);
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
    const replyRequest = h.discord.requests.find((r) => isChannelPost(r) && r.status === 200 && r.files.length === 0 && String((r.body as { content: string }).content).includes(h!.apimart.baseUrl))!;
    expect(replyRequest.body).toMatchObject({ allowed_mentions: { parse: [], users: [DEFAULT_USER_ID] } });
  });

  it('tells a reactor whose DMs are closed in a short channel reply instead (❌ on a job already sent)', async () => {
    h = await startHarness({ appDeps: { reactionNoticeLifetimeMs: 200 } });
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.dmFailsFor(DEFAULT_USER_ID);
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'submitted', 10_000);
    const statusId = await statusMessageOf(h);
    h.discord.sendReaction({ userId: DEFAULT_USER_ID, messageId: statusId, emoji: '❌' });
    const text = en.reactions.cannotCancelSubmitted(1);
    const notice = await h.discord.waitForRequest((r) => isChannelPost(r) && r.path === `/channels/${h!.discord.channelId}/messages` && String((r.body as { content?: string }).content).includes(text), 10_000);
    expect((notice.body as { content: string }).content).toBe(`<@${DEFAULT_USER_ID}> ${text}`);
    expect(h.discord.requests.some((r) => r.status === 403 && (r.responseBody as { code?: number }).code === 50007)).toBe(true);
    await h.discord.waitForRequest((r) => r.method === 'DELETE' && r.path.endsWith(`/messages/${(notice.responseBody as { id: string }).id}`));
    expect(jobRows(h.db)[0]!.status).toBe('submitted');
    expect(logged(h, 'reaction_failed')).toEqual([]);
  });
});
