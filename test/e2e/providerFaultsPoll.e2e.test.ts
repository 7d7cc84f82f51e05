import { afterEach, describe, expect, it } from 'vitest';
import type { FakeAnswer } from '../fakes/fakeApimart.ts';
import { DEFAULT_USER_ID, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { apiError, contentOf, channelPosts, statusEdits, logEvents, videoDownloads } from './requestViews.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const kinds = (hh: Harness) => ledgerRows(hh.db).map((r) => r.kind);
const firstJob = (hh: Harness) => jobRows(hh.db)[0];
const waitStatus = (hh: Harness, status: string) => hh.discord.waitFor(() => firstJob(hh)?.status === status, 10_000);

/** The job went through its faults and was delivered once, settled once, and never failed or released. */
function expectDeliveredOnce(hh: Harness): void {
  expect(firstJob(hh)).toMatchObject({ status: 'delivered', failure_code: null });
  expect(kinds(hh)).toEqual(['reserve', 'settle']);
  expect(hh.discord.requests.filter(isResultPost)).toHaveLength(1);
  expect(statusEdits(hh).some((r) => contentOf(r).includes('Failed'))).toBe(false);
}

describe('provider faults on status polls', () => {
  it('backs off through 429 (honouring Retry-After) and 5xx polls, then delivers the video once', async () => {
    h = await startHarness();
    h.apimart.scriptPoll(
      { status: 429, body: apiError(429, 'rate_limit_error', 'Too many requests'), headers: { 'retry-after': '1' } },
      { status: 502, body: apiError(502, 'bad_gateway', 'Bad gateway') },
      { status: 500, body: apiError(500, 'server_error', 'Internal server error') },
      { status: 503, raw: 'Service Unavailable' },
      { status: 504, raw: '<html>Gateway Timeout</html>' },
      { status: 502, body: apiError(502, 'bad_gateway', 'Bad gateway') },
    );
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 'delivered');

    const polls = h.apimart.polls();
    expect(polls.length).toBeGreaterThanOrEqual(8);
    expect(polls[1]!.at - polls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(logEvents(h, 'job_poll_failed').length).toBeGreaterThanOrEqual(2);
    expectDeliveredOnce(h);
  });

  it('survives malformed status bodies (truncated JSON, HTML, wrong shapes) and delivers once', async () => {
    h = await startHarness();
    const malformed: FakeAnswer[] = [
      { raw: '{"code":200,"data":{"status":"process' },
      { raw: '<!DOCTYPE html><html><body>Cloudflare</body></html>' },
      { status: 200, body: { code: 200, data: { status: 42 } } },
      { status: 200, body: { code: 200 } },
      { status: 200, body: [] },
    ];
    h.apimart.scriptPoll(...malformed);
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 'delivered');
    expect(h.apimart.polls().length).toBeGreaterThanOrEqual(malformed.length + 2);
    expect(logEvents(h, 'job_poll_failed').some((l) => l.includes('ApimartResponseShapeError'))).toBe(true);
    expectDeliveredOnce(h);
  });

  it('delivers a completed task whose optional fields are garbage (progress "100%", expires_at as a date string, cost "n/a")', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 'submitted');
    const taskId = firstJob(h)!.task_id!;
    h.apimart.completeTask(taskId);
    const url = `${h.apimart.baseUrl}/files/${taskId}.mp4`;
    const garbage: FakeAnswer = {
      status: 200,
      body: {
        code: 200,
        data: {
          id: taskId, status: 'completed', progress: '100%', estimated_time: 'soon', created: null,
          result: { videos: [{ url: [url], expires_at: '2099-01-01T00:00:00Z' }], thumbnail_url: 7 },
          cost: 'n/a', error: 'none',
        },
      },
    };
    // Every answer from now on is this one, so only reading it can deliver the video.
    h.apimart.scriptPoll(...Array.from({ length: 50 }, () => garbage));
    const pollsBefore = h.apimart.polls().length;
    await waitStatus(h, 'delivered');
    expect(h.apimart.polls().length - pollsBefore).toBeLessThan(50);
    expectDeliveredOnce(h);
    // No usable cost reported: settled at the estimate.
    expect(ledgerRows(h.db).reduce((sum, r) => sum + r.amount_micros, 0)).toBe(firstJob(h)!.estimate_micros);
  });

  it.each(['array', 'string'] as const)('downloads and delivers a video whose url is given as %s', async (urlShape) => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { urlShape });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 'delivered');
    expect(videoDownloads(h)).toHaveLength(1);
    expectDeliveredOnce(h);
  });

  const unusableUrls: { name: string; videos?: unknown }[] = [
    { name: 'no url at all' },
    { name: 'only non-http urls (file://, null, a number)', videos: [{ url: [null, 'file:///etc/passwd'] }, { url: 42 }] },
  ];
  it.each(unusableUrls)('fails a completed task with $name as no_video, releases the reservation and tells the requester', async ({ videos }) => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { urlShape: 'missing', pollsUntilComplete: 1 });
    if (videos) h.apimart.scriptPoll({ status: 200, body: { code: 200, data: { status: 'completed', progress: 100, result: { videos } } } });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 'failed');
    expect(firstJob(h)!.failure_code).toBe('no_video');
    expect(kinds(h)).toEqual(['reserve', 'release']);
    const notice = await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('finished without a video'));
    expect(notice.body).toMatchObject({ allowed_mentions: { parse: [], users: [DEFAULT_USER_ID] } });
    expect(h.discord.requests.some(isResultPost)).toBe(false);
    expect(logEvents(h, 'job_failed')[0]).toContain('no_video');
    expect(videoDownloads(h)).toHaveLength(0);
  });
});
