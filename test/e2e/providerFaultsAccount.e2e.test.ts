import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isCallback, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { apiError, contentOf, channelPosts, logEvents } from './requestViews.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const kinds = (hh: Harness, jobId: number) => ledgerRows(hh.db).filter((r) => r.job_id === jobId).map((r) => r.kind);
const waitStatus = (hh: Harness, index: number, status: string) => hh.discord.waitFor(() => jobRows(hh.db)[index]?.status === status, 10_000);

/** The ephemeral text a rejected `/video` gets. */
async function rejectionOf(hh: Harness): Promise<string> {
  const interaction = hh.discord.sendCommand({ name: 'video', options: videoOptions({}) });
  const body = (await hh.discord.waitForRequest(isCallback(interaction.id))).body as { type: number; data: { content: string; flags: number } };
  expect(body.type).toBe(4);
  expect(body.data.flags & 64).toBe(64);
  return body.data.content;
}

describe('an error body sent with HTTP 200 on submit', () => {
  const cases: { name: string; body: unknown; status: string; code: string }[] = [
    { name: 'payment_required', body: apiError(402, 'payment_required', 'Insufficient balance'), status: 'failed', code: 'provider_unavailable' },
    { name: 'invalid_request_error', body: apiError(400, 'invalid_request_error', 'Invalid request parameters'), status: 'failed', code: 'provider_rejected' },
    { name: 'success:false', body: { success: false, message: 'model disabled' }, status: 'failed', code: 'provider_rejected' },
    { name: 'server_error', body: apiError(500, 'server_error', 'Internal server error'), status: 'submit_unknown', code: 'submit_unknown' },
  ];

  it.each(cases)('reads $name by its body, not its 200 status', async ({ body, status, code }) => {
    h = await startHarness();
    h.apimart.balance.remain_balance = 0;
    h.apimart.scriptSubmit({ status: 200, body });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 0, status);
    expect(jobRows(h.db)[0]!.failure_code).toBe(code);
    expect(kinds(h, 1)).toEqual(status === 'failed' ? ['reserve', 'release'] : ['reserve']);
    expect(h.apimart.submits()).toHaveLength(1);
    const breakerOpen = code === 'provider_unavailable';
    expect(logEvents(h, 'provider_unavailable').map((l) => l.includes('"reason":"HTTP 402 payment_required"'))).toEqual(breakerOpen ? [true] : []);
    if (breakerOpen) expect(await rejectionOf(h)).toContain('The video service is unavailable right now');
  });
});

describe('the provider refuses the account (401, 402)', () => {
  const bodyFor = { 401: apiError(401, 'authentication_error', 'Invalid authentication credentials'), 402: apiError(402, 'payment_required', 'Insufficient balance') };

  it('402: stops submitting at once, keeps queued jobs queued, rejects new ones, and resumes when the balance is back', async () => {
    h = await startHarness({ env: { MAX_CONCURRENT_JOBS: '1', USER_MAX_ACTIVE_JOBS: '10' } });
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 0, 'submitted');
    // Two more wait for the only slot; the first of them will meet the empty balance.
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 1, 'queued');
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 2, 'queued');
    h.apimart.scriptSubmit({ status: 402, body: bodyFor[402] });
    h.apimart.balance.remain_balance = 0;
    h.apimart.completeTask(jobRows(h.db)[0]!.task_id!);

    await waitStatus(h, 1, 'failed');
    await waitStatus(h, 0, 'delivered');
    expect(jobRows(h.db)[1]!.failure_code).toBe('provider_unavailable');
    expect(kinds(h, 2)).toEqual(['reserve', 'release']);
    const notice = await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('job #2 failed'));
    expect(contentOf(notice)).toContain('the video service is unavailable right now');
    const unavailable = logEvents(h, 'provider_unavailable');
    expect(unavailable).toHaveLength(1);
    expect(unavailable[0]).toContain('"level":"error"');
    expect(unavailable[0]).toContain('402');

    // The breaker holds while the probe still sees no balance: job 3 waits, a new /video is refused.
    const probes = () => h!.apimart.requests.filter((r) => r.path === '/v1/balance').length;
    await h.discord.waitFor(() => probes() >= 3, 5_000);
    expect(jobRows(h.db)[2]!.status).toBe('queued');
    expect(h.apimart.submits()).toHaveLength(2);
    const reserveCount = ledgerRows(h.db).filter((r) => r.kind === 'reserve').length;
    expect(await rejectionOf(h)).toContain('The video service is unavailable right now, and nothing was charged');
    expect(jobRows(h.db)).toHaveLength(3);
    expect(ledgerRows(h.db).filter((r) => r.kind === 'reserve')).toHaveLength(reserveCount);

    h.apimart.balance.remain_balance = 100;
    await waitStatus(h, 2, 'delivered');
    expect(logEvents(h, 'provider_available_again')).toHaveLength(1);
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 3, 'delivered');
    expect(h.apimart.submits()).toHaveLength(4);
    expect(h.apimart.tasks.size).toBe(3);
    expect(kinds(h, 3)).toEqual(['reserve', 'settle']);
  });

  it('401: the refused job is released, users are told the service is unavailable, and it recovers with the key', async () => {
    h = await startHarness();
    h.apimart.scriptSubmit({ status: 401, body: bodyFor[401] });
    h.apimart.balance.success = false;
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 0, 'failed');
    expect(jobRows(h.db)[0]!.failure_code).toBe('provider_unavailable');
    expect(kinds(h, 1)).toEqual(['reserve', 'release']);
    await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('the video service is unavailable right now'));
    expect(logEvents(h, 'provider_unavailable')[0]).toContain('401');

    expect(await rejectionOf(h)).toContain('The video service is unavailable right now');
    expect(jobRows(h.db)).toHaveLength(1);
    expect(h.apimart.submits()).toHaveLength(1);

    h.apimart.balance.success = true;
    await h.discord.waitFor(() => logEvents(h!, 'provider_available_again').length === 1, 5_000);
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 1, 'delivered');
    expect(h.apimart.submits()).toHaveLength(2);
  });
});
