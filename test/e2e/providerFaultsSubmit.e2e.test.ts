import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApimartClient } from '../../src/services/apimart/client.ts';
import { FakeApimart, type FakeAnswer } from '../fakes/fakeApimart.ts';
import { DEFAULT_USER_ID, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { apiError, contentOf, channelPosts, statusEdits, logEvents } from './requestViews.ts';
import { runAdmin } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const kinds = (hh: Harness, jobId: number) => ledgerRows(hh.db).filter((r) => r.job_id === jobId).map((r) => r.kind);
const waitStatus = (hh: Harness, index: number, status: string) => hh.discord.waitFor(() => jobRows(hh.db)[index]?.status === status, 10_000);

describe('provider faults on submit', () => {
  it('requeues a 429 and retries only after Retry-After, making exactly one task that is settled once', async () => {
    h = await startHarness();
    h.apimart.scriptSubmit({ status: 429, body: apiError(429, 'rate_limit_error', 'Too many requests'), headers: { 'retry-after': '1' } });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 0, 'delivered');

    const [refused, accepted] = h.apimart.submits();
    expect(h.apimart.submits()).toHaveLength(2);
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(1000);
    expect(accepted!.headers['idempotency-key']).toBe(refused!.headers['idempotency-key']);
    expect(h.apimart.tasks.size).toBe(1);
    expect(jobRows(h.db)[0]!.task_id).toBe([...h.apimart.tasks.keys()][0]);
    expect(kinds(h, 1)).toEqual(['reserve', 'settle']);
    expect(h.discord.requests.filter(isResultPost)).toHaveLength(1);
    // While it waited for the retry, the requester saw it queued, never failed.
    expect(contentOf(statusEdits(h).filter((r) => r.at < accepted!.at).at(-1)!)).toContain('Queued');
    expect(statusEdits(h).some((r) => contentOf(r).includes('Failed'))).toBe(false);
    expect(logEvents(h, 'job_submit_refused')).toHaveLength(1);
  });

  it('holds every submission, not just the refused one, until the Retry-After of a 429 has passed', async () => {
    h = await startHarness({ env: { USER_MAX_ACTIVE_JOBS: '10' } });
    h.apimart.scriptSubmit({ status: 429, body: apiError(429, 'rate_limit_error', 'Too many requests'), headers: { 'retry-after': '1' } });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'queued' && h!.apimart.submits().length === 1);
    // A new job arrives during the wait: it queues behind the rate limit instead of hitting it again.
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 1, 'queued');
    await waitStatus(h, 0, 'delivered');
    await waitStatus(h, 1, 'delivered');

    const [refused, ...later] = h.apimart.submits();
    expect(later).toHaveLength(2);
    for (const request of later) expect(request.at - refused!.at).toBeGreaterThanOrEqual(1000);
    expect(h.apimart.tasks.size).toBe(2);
  });

  it('resends a submit that provably never left (connection refused) and makes exactly one task', async () => {
    const apimart = await FakeApimart.start();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    let refusedOnce = false;
    // The first submit goes to a port nobody listens on: a real ECONNREFUSED from the kernel.
    const firstSubmitRefused: typeof fetch = (input, init) => {
      const url = String(input);
      if (refusedOnce || !url.endsWith('/v1/videos/generations')) return fetch(input, init);
      refusedOnce = true;
      return fetch(url.replace(apimart.baseUrl, `http://127.0.0.1:${closedPort}`), init);
    };
    const client = createApimartClient({ baseUrl: apimart.baseUrl, apiKey: apimart.apiKey, fetch: firstSubmitRefused });
    h = await startHarness({ apimart, appDeps: { apimart: client } });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 0, 'delivered');
    expect(refusedOnce).toBe(true);
    expect(logEvents(h, 'job_submit_refused')[0]).toContain('ECONNREFUSED');
    expect(h.apimart.submits()).toHaveLength(1);
    expect(h.apimart.tasks.size).toBe(1);
    expect(kinds(h, 1)).toEqual(['reserve', 'settle']);
  });

  it.each([500, 502])('treats HTTP %i on submit as an unknown outcome: one POST, reservation kept, requester told, admins see it', async (status) => {
    h = await startHarness();
    h.apimart.scriptSubmit({ status, body: apiError(status, status === 500 ? 'server_error' : 'bad_gateway', 'Internal server error') });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 0, 'submit_unknown');

    const notice = await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('will not be re-sent'));
    expect(notice.body).toMatchObject({ allowed_mentions: { parse: [], users: [DEFAULT_USER_ID] } });
    expect(kinds(h, 1)).toEqual(['reserve']);
    expect((await h.app.store.jobsNeedingAttention(h.discord.guildId)).map((j) => j.id)).toEqual([1]);
    const report = await runAdmin(h, 'report', [{ name: 'period', type: 3, value: 'today' }]);
    expect(report.content).toMatch(/`#1` <@\d+> · submit outcome unknown · \$0\.428 reserved/);
    expect(logEvents(h, 'job_submit_outcome_unknown')).toHaveLength(1);
    // Nothing resends it later, and the provider stays usable for new jobs.
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 1, 'delivered');
    expect(h.apimart.submits()).toHaveLength(2);
    expect(jobRows(h.db)[0]!.status).toBe('submit_unknown');
  });
});

describe('a submit whose answer is lost after sending', () => {
  const cases: { name: string; answer: FakeAnswer; taskCreated: boolean }[] = [
    { name: 'a request that hangs past the client timeout', answer: { hang: true }, taskCreated: true },
    { name: 'an HTML page with HTTP 200', answer: { raw: '<html><body>502 Bad Gateway</body></html>' }, taskCreated: true },
    { name: 'truncated JSON with HTTP 200', answer: { raw: '{"code":200,"data":[{"status":"submitted","task_' }, taskCreated: true },
    { name: 'a 200 JSON body without a task id', answer: { status: 200, body: { code: 200, data: [] } }, taskCreated: false },
  ];

  it.each(cases)('never resends after $name; the requester and the admins are told', async ({ answer, taskCreated }) => {
    const apimart = await FakeApimart.start();
    const client = createApimartClient({ baseUrl: apimart.baseUrl, apiKey: apimart.apiKey, requestTimeoutMs: 300 });
    h = await startHarness({ apimart, appDeps: { apimart: client } });
    h.apimart.scriptSubmit(answer);
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 0, 'submit_unknown');

    await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('will not be re-sent'));
    await h.discord.waitForRequest((r) => statusEdits(h!).includes(r) && contentOf(r).includes('It will not be sent again'));
    expect(h.apimart.tasks.size).toBe(taskCreated ? 1 : 0);
    expect(kinds(h, 1)).toEqual(['reserve']);
    expect(logEvents(h, 'job_submit_outcome_unknown')).toHaveLength(1);
    expect((await h.app.store.jobsNeedingAttention(h.discord.guildId)).map((j) => [j.id, j.status])).toEqual([[1, 'submit_unknown']]);

    h = await h.restart();
    expect(h.apimart.submits()).toHaveLength(1);
    expect(jobRows(h.db)[0]!.status).toBe('submit_unknown');
    expect(kinds(h, 1)).toEqual(['reserve']);
  });
});
