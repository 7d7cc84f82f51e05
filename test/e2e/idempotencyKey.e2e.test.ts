import { afterEach, describe, expect, it } from 'vitest';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, startHarness, videoOptions, waitForFirstJob, type Harness } from './harness.ts';
import { apiError } from './requestViews.ts';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await checkAndStop(h);
});

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const storedKey = (h: Harness, jobId: number) =>
  h.db.prepare('SELECT idempotency_key FROM jobs WHERE id = ?').pluck().get(jobId) as string;

describe('the Idempotency-Key of a submit', () => {
  it('differs between two databases that share one apimart key, so the second job 1 gets its own task', async () => {
    // Staging and production, or a restored backup: both number their first job 1.
    const apimart = await FakeApimart.start();
    const first = await startHarness({ apimart, discord: await FakeDiscord.start(), ownsFakes: true });
    harnesses.push(first);
    const second = await startHarness({ apimart, discord: await FakeDiscord.start(), ownsFakes: false });
    harnesses.unshift(second);

    first.discord.sendCommand({ name: 'video', options: videoOptions({ prompt: 'a red kite over the dunes' }) });
    await waitForFirstJob(first, 'delivered');
    second.discord.sendCommand({ name: 'video', options: videoOptions({ prompt: 'a red kite over the dunes' }) });
    await waitForFirstJob(second, 'delivered');

    expect(jobRows(first.db)[0]!.id).toBe(1);
    expect(jobRows(second.db)[0]!.id).toBe(1);
    const [a, b] = apimart.submits();
    expect(apimart.submits()).toHaveLength(2);
    expect(a!.headers['idempotency-key']).toMatch(uuid);
    expect(b!.headers['idempotency-key']).toMatch(uuid);
    expect(a!.headers['idempotency-key']).not.toBe(b!.headers['idempotency-key']);
    expect(a!.headers['idempotency-key']).toBe(storedKey(first, 1));
    expect(b!.headers['idempotency-key']).toBe(storedKey(second, 1));
    // Two tasks, one each: the second server is neither handed nor billed for the first one's video.
    expect(apimart.tasks.size).toBe(2);
    expect(jobRows(second.db)[0]!.task_id).not.toBe(jobRows(first.db)[0]!.task_id);
    expect(second.discord.requests.filter(isResultPost)).toHaveLength(1);
  });

  it('is the stored key on every resend of one job, also after a restart', async () => {
    const h = await startHarness();
    harnesses.push(h);
    h.apimart.scriptSubmit({ status: 429, body: apiError(429, 'rate_limit_error', 'Too many requests'), headers: { 'retry-after': '2' } });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitFor(() => jobRows(h.db)[0]?.status === 'queued' && h.apimart.submits().length === 1);

    const restarted = await h.restart();
    harnesses[0] = restarted;
    await waitForFirstJob(restarted, 'delivered');

    const keys = restarted.apimart.submits().map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(uuid);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[0]).toBe(storedKey(restarted, 1));
    expect(restarted.apimart.tasks.size).toBe(1);
  });
});
