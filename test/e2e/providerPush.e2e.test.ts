import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testEngine } from '../support/testDatabase.ts';
import { checkAndStop, eventually, isResultPost, jobRowsOf, startHarness, videoOptions, type Harness } from './harness.ts';
import { logEvents, videoDownloads } from './requestViews.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startWithPush(): Promise<{ h: Harness; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const harness = await startHarness({ env: { PUBLIC_WEBHOOK_URL: base, WEBHOOK_LISTEN_PORT: String(port) } });
  return { h: harness, base };
}

const webhookOf = (hh: Harness, index: number) => (hh.apimart.submits()[index]?.body as { webhook?: string } | undefined)?.webhook;
const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.status);

describe(`push: provider callbacks as a hint to poll (${testEngine})`, () => {
  it('sends the webhook with the submit, does not poll on the fast schedule, and polls at once when the callback comes', async () => {
    let base: string;
    ({ h, base } = await startWithPush());
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await eventually(async () => (await jobRowsOf(h!))[0]?.status === 'submitted', 10_000);
    const webhook = webhookOf(h, 0);
    expect(webhook).toMatch(new RegExp(`^${base}/[\\w-]{32}$`));
    await sleep(400); // four times the test's largest poll interval

    expect(h.apimart.polls()).toHaveLength(0);
    const [taskId] = [...h.apimart.tasks.keys()];
    h.apimart.completeTask(taskId!);
    await eventually(async () => (await jobRowsOf(h!))[0]?.status === 'delivered', 10_000);

    expect(h.apimart.callbacks.map((c) => [c.url, c.status])).toEqual([[`${webhook}/callback`, 204]]);
    expect(h.apimart.polls()).toHaveLength(1);
    expect(h.discord.requests.filter(isResultPost)).toHaveLength(1);
  });

  it('ignores callbacks on a wrong path, for unknown tasks, oversized or forged, and rate-limits a flood to one poll', async () => {
    ({ h } = await startWithPush());
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await eventually(async () => (await jobRowsOf(h!))[0]?.status === 'submitted', 10_000);
    const webhook = webhookOf(h, 0)!;
    const [taskId] = [...h.apimart.tasks.keys()];
    const origin = new URL(webhook).origin;
    const forged = (id: string) => JSON.stringify({ code: 200, data: { id, status: 'completed', result: { videos: [{ url: ['https://evil.example/v.mp4'] }] } } });

    expect(await post(`${origin}/callback`, forged(taskId!))).toBe(404);
    expect(await post(`${origin}/not-the-secret/callback`, forged(taskId!))).toBe(404);
    expect(await post(`${webhook}/callback`, forged('task_UNKNOWN'))).toBe(204);
    expect(await post(`${webhook}/callback`, 'x'.repeat(100 * 1024))).toBe(413);
    await sleep(300);
    expect(h.apimart.polls()).toHaveLength(0);

    // A forged "completed" for our task: the bot asks the provider, which says it is still running.
    const flood = await Promise.all(Array.from({ length: 20 }, () => post(`${webhook}/callback`, forged(taskId!))));
    expect(flood.every((status) => status === 204)).toBe(true);
    await sleep(300);
    expect(h.apimart.polls()).toHaveLength(1);
    expect((await jobRowsOf(h))[0]?.status).toBe('submitted');
    expect(videoDownloads(h)).toHaveLength(0);

    // The genuine callback arrives inside the rate-limit window: its poll is deferred, not dropped.
    h.apimart.completeTask(taskId!);
    await eventually(async () => (await jobRowsOf(h!))[0]?.status === 'delivered', 10_000);
    expect(h.apimart.polls()).toHaveLength(2);
    expect(h.discord.requests.filter(isResultPost)).toHaveLength(1);
    expect(videoDownloads(h).every((r) => r.path === `/files/${taskId}.mp4`)).toBe(true);
  });

  it('resubmits once without the webhook when the provider refuses it with 400, and stops sending it', async () => {
    ({ h } = await startWithPush());
    h.apimart.rejectWebhookField = true;
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await eventually(async () => (await jobRowsOf(h!))[0]?.status === 'delivered', 10_000);
    h.discord.sendCommand({ name: 'video', options: videoOptions({ prompt: 'a second fox' }) });
    await eventually(async () => (await jobRowsOf(h!))[1]?.status === 'delivered', 10_000);

    const submits = h.apimart.submits();
    expect(submits.map((r) => [r.status, 'webhook' in (r.body as object)])).toEqual([[400, true], [200, false], [200, false]]);
    expect(submits[0]!.headers['idempotency-key']).toBe(submits[1]!.headers['idempotency-key']);
    expect(h.apimart.tasks.size).toBe(2);
    expect(logEvents(h, 'webhook_field_refused')).toHaveLength(1);
    expect((await jobRowsOf(h)).map((j) => j.status)).toEqual(['delivered', 'delivered']);
  });
});
