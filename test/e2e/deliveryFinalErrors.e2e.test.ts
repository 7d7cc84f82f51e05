import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { systemClock, type Clock } from '../../src/clock.ts';
import { deliveryRetryDelaysMs, maxDeliveryAttempts, resultNonce } from '../../src/services/jobs/jobDelivery.ts';
import { discordErrors } from '../fakes/discordErrors.ts';
import { DEFAULT_USER_ID, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { checkAndStop, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { dmsTo } from './reactionsHelpers.ts';
import { runAdmin } from './spendHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

/** Real time, but no wait longer than 200 ms: the delivery retries (5 s, 15 s, …) come at once. */
const quickRetries: Clock = { ...systemClock, setTimeout: (fn, delayMs) => systemClock.setTimeout(fn, Math.min(delayMs, 200)) };

/** Posts to the command's channel only (not DMs, which are channels too). */
const guildPost = (harness: Harness) => ({ method: 'POST', path: new RegExp(`^/channels/${harness.discord.channelId}/messages$`) });
const guildPosts = (harness: Harness) => harness.discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${harness.discord.channelId}/messages`);
const contentOf = (r: RecordedRequest) => String((r.body as { content?: unknown }).content ?? '');
const videoDownloads = (harness: Harness) => harness.apimart.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/files/'));
const logged = (harness: Harness, event: string) => harness.logLines.filter((line) => JSON.parse(line).event === event);
const jobRow = (harness: Harness) => harness.db.prepare('SELECT * FROM jobs WHERE id = 1').get() as {
  status: string; failure_code: string | null; delivery_problem: string | null; video_url: string; video_expires_at: number;
  result_message_id: string | null; status_message_id: string | null;
};

async function finishedJob(harness: Harness, status: string, opts: { attachmentSizeLimit?: number } = {}) {
  harness.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }), ...opts });
  await harness.discord.waitFor(() => jobRows(harness.db)[0]?.status === status, 20_000);
  return jobRow(harness);
}

describe('a result post Discord refuses for good', () => {
  it('posts the link with its expiry at once when the server lost its boost (40005), downloading once', async () => {
    h = await startHarness();
    // The interaction still says 25 MiB; the channel now takes 10 MiB, so the 11 MiB upload answers 413 / 40005.
    h.apimart.setTaskPlan('next', { videoBytes: Buffer.alloc(11 * 1024 * 1024, 7) });
    const job = await finishedJob(h, 'delivered', { attachmentSizeLimit: 25 * 1024 * 1024 });
    const posts = guildPosts(h);
    expect(posts.map((r) => [r.status, r.files.length])).toEqual([[413, 1], [200, 0]]);
    expect((posts[0]!.responseBody as { code: number }).code).toBe(40005);
    expect(contentOf(posts[1]!)).toContain(en.resultLink(job.video_url, job.video_expires_at));
    expect((posts[1]!.body as { nonce: string }).nonce).toBe((posts[0]!.body as { nonce: string }).nonce);
    expect(job.result_message_id).toBe((posts[1]!.responseBody as { id: string }).id);
    expect(videoDownloads(h)).toHaveLength(1);
    expect(logged(h, 'job_delivery_failed')).toEqual([]);
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
  });

  it('posts the result as a message of its own, not a reply to the card, so no reply rule can refuse it', async () => {
    h = await startHarness();
    const job = await finishedJob(h, 'delivered');
    const [posted, ...more] = guildPosts(h).filter((r) => r.files.length > 0);
    expect(more).toEqual([]);
    expect(posted).toMatchObject({ status: 200 });
    expect(posted!.body).not.toHaveProperty('message_reference');
    expect(job.delivery_problem).toBeNull();
    expect(videoDownloads(h)).toHaveLength(1);
  });

  it.each([
    ['a locked thread (160005)', discordErrors.threadLocked, 'thread_locked'],
    ['an archived and locked thread (50083)', discordErrors.archivedThread, 'thread_archived'],
    ['a deleted channel (10003)', discordErrors.unknownChannel, 'channel_deleted'],
    ['a kick from the server (50001)', discordErrors.missingAccess, 'bot_removed'],
  ] as const)('DMs the video once after %s, never retries the channel, and lists the job in the report', async (_what, error, problem) => {
    h = await startHarness();
    h.discord.failNext(guildPost(h), { ...error, times: 1_000 });
    const job = await finishedJob(h, 'delivered');
    expect(guildPosts(h)).toHaveLength(1);
    const [dm, ...moreDms] = dmsTo(h.discord, DEFAULT_USER_ID);
    expect(moreDms).toEqual([]);
    expect(dm!.files).toHaveLength(1);
    expect(contentOf(dm!)).toContain(en.delivery.movedToDm(h.discord.channelId, en.delivery.problem[problem]));
    expect(job.result_message_id).toBe((dm!.responseBody as { id: string }).id);
    expect(job.delivery_problem).toBe(problem);
    expect(videoDownloads(h)).toHaveLength(1);
    expect(logged(h, 'job_delivery_failed')).toEqual([]);

    const report = await runAdmin(h, 'report', [{ name: 'period', type: 3, value: 'today' }]);
    expect(report.content).toContain(en.delivery.reportTitle(1));
    expect(report.content).toContain(`\`#1\` <@${DEFAULT_USER_ID}> in <#${h.discord.channelId}> · ${en.delivery.problem[problem]} · sent by DM`);
  });

  it('sends the link, not the file, by DM when the video is over the 10 MiB a DM takes', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { videoBytes: Buffer.alloc(11 * 1024 * 1024, 7) });
    h.discord.failNext(guildPost(h), { ...discordErrors.threadLocked, times: 1_000 });
    const job = await finishedJob(h, 'delivered', { attachmentSizeLimit: 50 * 1024 * 1024 });
    expect(guildPosts(h).map((r) => r.files.length)).toEqual([1]);
    const [dm, ...more] = dmsTo(h.discord, DEFAULT_USER_ID);
    expect(more).toEqual([]);
    expect(dm!.files).toEqual([]);
    expect(contentOf(dm!)).toContain(en.delivery.link(job.video_url, job.video_expires_at));
    expect(h.discord.requests.filter((r) => r.status === 413)).toEqual([]);
  });

  it('ends the job undeliverable, still settled, with the notice on its status and a report entry, when the DMs are closed too', async () => {
    h = await startHarness();
    h.discord.dmFailsFor(DEFAULT_USER_ID);
    h.discord.failNext(guildPost(h), { ...discordErrors.threadLocked, times: 1_000 });
    const job = await finishedJob(h, 'expired');
    expect(job).toMatchObject({ failure_code: 'undeliverable', delivery_problem: 'thread_locked', result_message_id: null });
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
    await h.discord.waitFor(() => h!.discord.messages.get(job.status_message_id!)!.content.endsWith(en.delivery.undeliverableStatus));
    expect(guildPosts(h)).toHaveLength(1);
    expect(logged(h, 'job_undeliverable')).toHaveLength(1);
    const report = await runAdmin(h, 'report', [{ name: 'period', type: 3, value: 'today' }]);
    expect(report.content).toContain(`${en.delivery.problem.thread_locked} · not delivered (charged)`);
  });
});

describe('a result post that keeps failing', () => {
  it(`stops after ${maxDeliveryAttempts} attempts with the link by DM and a notice, downloading the video once`, async () => {
    h = await startHarness({ appDeps: { clock: quickRetries } });
    // Every post to the channel answers 500, including the bare link after the last attempt.
    h.discord.failNext(guildPost(h), { status: 500, times: 10_000 });
    const job = await finishedJob(h, 'delivered');
    expect(logged(h, 'job_delivery_failed')).toHaveLength(maxDeliveryAttempts);
    expect(videoDownloads(h)).toHaveLength(1);
    const uploads = guildPosts(h).filter((r) => r.files.length > 0);
    expect(uploads.length).toBeGreaterThanOrEqual(maxDeliveryAttempts);
    expect(guildPosts(h).filter((r) => r.files.length === 0).length).toBeGreaterThan(0);
    const [dm, ...more] = dmsTo(h.discord, DEFAULT_USER_ID);
    expect(more).toEqual([]);
    expect(dm!.files).toEqual([]);
    expect(contentOf(dm!)).toContain(en.delivery.linkInstead(en.delivery.problem.attempts_exhausted));
    expect(contentOf(dm!)).toContain(job.video_url);
    expect(job).toMatchObject({ delivery_problem: 'attempts_exhausted', result_message_id: (dm!.responseBody as { id: string }).id });
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
  });

  it('does not count a job the provider finished toward USER_MAX_ACTIVE_JOBS while its delivery is retried', async () => {
    h = await startHarness({ env: { USER_MAX_ACTIVE_JOBS: '1' } });
    h.discord.failNext(guildPost(h), { status: 503, times: 10_000 });
    await finishedJob(h, 'completed');
    await h.discord.waitFor(() => logged(h!, 'job_delivery_failed').length > 0, 20_000);
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4, prompt: 'a second video' }) });
    await h.discord.waitFor(() => jobRows(h!.db).length === 2, 10_000);
    expect(jobRows(h.db)[0]!.status).toBe('completed');
    expect(ledgerRows(h.db).filter((r) => r.job_id === 2).map((r) => r.kind)).toContain('reserve');
  });
});

describe('the bare link after the last attempt', () => {
  it('is not sent again by DM when its channel post went through but the answer was lost', async () => {
    h = await startHarness({ appDeps: { clock: quickRetries }, rest: { retries: 0 } });
    h.discord.failNext(guildPost(h), { status: 500, times: maxDeliveryAttempts });
    // The link is posted, but Discord answers 500: the DM link would be a second result.
    h.discord.failNext(guildPost(h), { status: 500, apply: true, times: 1 });
    const job = await finishedJob(h, 'delivered');
    const posts = guildPosts(h);
    expect(posts.map((r) => [r.status, r.files.length])).toEqual([...Array(maxDeliveryAttempts).fill([500, 1]), [500, 0]]);
    const linkPost = h.discord.channelMessages().filter((m) => m.nonce === resultNonce(1));
    expect(linkPost).toHaveLength(1);
    expect(job.result_message_id).toBe(linkPost[0]!.id);
    expect(dmsTo(h.discord, DEFAULT_USER_ID)).toEqual([]);
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
  });
});

describe('a video kept between attempts', () => {
  it('is still uploaded when its link expired while the upload was being retried', async () => {
    let offsetMs = 0;
    const clock: Clock = {
      ...systemClock,
      now: () => systemClock.now() + offsetMs,
      setTimeout: (fn, delayMs) => systemClock.setTimeout(() => {
        // The first delivery retry comes a week later: long after the provider's link died.
        if (delayMs === deliveryRetryDelaysMs[0] && offsetMs === 0 && logged(h!, 'job_delivery_failed').length > 0) offsetMs = 7 * 86_400_000;
        fn();
      }, Math.min(delayMs, 200)),
    };
    h = await startHarness({ appDeps: { clock }, rest: { retries: 0 } });
    h.discord.failNext(guildPost(h), { status: 500, times: 1 });
    const job = await finishedJob(h, 'delivered');
    expect(offsetMs).toBeGreaterThan(0);
    expect(job.video_expires_at).toBeLessThan(clock.now());
    const [failed, posted, ...more] = guildPosts(h);
    expect(more).toEqual([]);
    expect([failed!.status, failed!.files.length, posted!.status, posted!.files.length]).toEqual([500, 1, 200, 1]);
    expect(job.result_message_id).toBe((posted!.responseBody as { id: string }).id);
    expect(videoDownloads(h)).toHaveLength(1);
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
  });
});
