import { afterEach, describe, expect, it } from 'vitest';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { logEvents } from './requestViews.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const firstJob = (hh: Harness) => jobRows(hh.db)[0];
const stored = (hh: Harness) =>
  hh.db.prepare('SELECT estimated_time_sec, video_expires_at, cost_micros, progress FROM jobs WHERE id = 1').get() as
    { estimated_time_sec: number | null; video_expires_at: number | null; cost_micros: number | null; progress: number };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A JSON answer padded past the 1 MiB cap with a field the bot ignores. */
const padded = (body: Record<string, unknown>) => JSON.stringify({ ...body, padding: 'x'.repeat(2 * 1024 * 1024) });

describe('provider numbers that are not integers', () => {
  it('delivers and settles a job whose expires_at, estimated_time, progress and cost are fractional', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { pollsUntilComplete: 3, estimatedTimeSec: 37.5, expiresAtSec: 1900000000.1234, cost: 0.4123456789 });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitFor(() => h!.apimart.tasks.size === 1, 10_000);
    const taskId = [...h.apimart.tasks.keys()][0]!;
    h.apimart.scriptPoll({ status: 200, body: { code: 200, data: { id: taskId, status: 'processing', progress: 33.3, estimated_time: 37.5 } } });
    await h.discord.waitFor(() => firstJob(h!)?.status === 'delivered', 10_000);

    expect(stored(h)).toEqual({ estimated_time_sec: 38, video_expires_at: 1_900_000_000_123, cost_micros: 412_346, progress: 100 });
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
    expect(h.discord.requests.filter(isResultPost)).toHaveLength(1);
    expect(logEvents(h, 'job_poll_failed')).toEqual([]);
  });

  it('logs a refused database write as a store_error and does not poll the job again as if the provider failed', async () => {
    h = await startHarness();
    // A real write failure, from the database itself, at the moment the provider's answer is stored.
    h.db.exec(`CREATE TRIGGER refuse_completion BEFORE UPDATE OF status ON jobs WHEN NEW.status = 'completed'
      BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END`);
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitFor(() => logEvents(h!, 'store_error').length > 0, 10_000);
    const pollsAtError = h.apimart.polls().length;
    await sleep(600); // several poll intervals (20-100 ms) in the test configuration

    expect(h.apimart.polls().length).toBe(pollsAtError);
    expect(logEvents(h, 'store_error')).toHaveLength(1);
    expect(logEvents(h, 'store_error')[0]).toContain('"level":"error"');
    expect(logEvents(h, 'job_poll_failed')).toEqual([]);
    expect(firstJob(h)?.status).toBe('submitted');
  });
});

describe('provider answers past the size cap', () => {
  it('counts an oversized status answer as a failed poll, then delivers from the next one', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { pollsUntilComplete: 1 });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitFor(() => h!.apimart.tasks.size === 1, 10_000);
    const taskId = [...h.apimart.tasks.keys()][0]!;
    // A complete, valid "completed" answer: read whole, it would have been delivered from this poll.
    const url = `${h.apimart.baseUrl}/files/${taskId}.mp4`;
    h.apimart.scriptPoll({ raw: padded({ code: 200, data: { id: taskId, status: 'completed', progress: 100, result: { videos: [{ url: [url] }] } } }) });
    await h.discord.waitFor(() => firstJob(h!)?.status === 'delivered', 10_000);

    const failed = logEvents(h, 'job_poll_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain('ApimartResponseTooLargeError');
    expect(h.apimart.polls(taskId).length).toBeGreaterThanOrEqual(2);
    expect(h.discord.requests.filter(isResultPost)).toHaveLength(1);
  });

  it('treats an oversized submit answer as an unknown outcome and never sends the submit again', async () => {
    h = await startHarness();
    h.apimart.scriptSubmit({ raw: padded({ code: 200, data: [{ status: 'submitted', task_id: 'task_padded' }] }) });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitFor(() => firstJob(h!)?.status === 'submit_unknown', 10_000);
    await sleep(300);

    expect(h.apimart.submits()).toHaveLength(1);
    expect(firstJob(h)).toMatchObject({ status: 'submit_unknown', task_id: null });
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve']);
    expect(logEvents(h, 'job_submit_outcome_unknown')[0]).toContain('ApimartResponseTooLargeError');
  });
});
