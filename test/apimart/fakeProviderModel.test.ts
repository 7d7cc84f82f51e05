import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { createProviderModel } from '../fakes/fakeProviderModel.ts';

const VALID = { model: 'seedance-2.0-fast', prompt: 'a fox in snow', duration: 4 };
let fake: FakeApimart | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await fake?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  fake = undefined;
  receiver = undefined;
});

const submit = (f: FakeApimart, body: Record<string, unknown>) =>
  fetch(`${f.baseUrl}/v1/videos/generations`, {
    method: 'POST', headers: { authorization: `Bearer ${f.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then(async (r) => ((await r.json()) as { data: { task_id: string }[] }).data[0]!.task_id);
const poll = (f: FakeApimart, id: string) =>
  fetch(`${f.baseUrl}/v1/tasks/${id}`, { headers: { authorization: `Bearer ${f.apiKey}` } })
    .then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { data?: { status: string; progress: number } } }));

describe('the fake provider model', () => {
  it('queues each task, runs it 0.5-2x its estimate with progress capped at 99, and repeats for the same seed', () => {
    const a = createProviderModel({ seed: 7 });
    const b = createProviderModel({ seed: 7 });
    for (let i = 0; i < 200; i++) {
      const task = a.task(40);
      expect(task).toMatchObject({ queueMs: b.task(40).queueMs });
      expect(task.queueMs).toBeGreaterThan(0);
      expect(task.runMs).toBeGreaterThanOrEqual(20_000);
      expect(task.runMs).toBeLessThanOrEqual(80_000);
      const progress = Array.from({ length: Math.ceil(task.runMs / 1000) }, (_, s) => task.progressAt(s * 1000));
      expect(Math.max(...progress)).toBeLessThanOrEqual(99);
      progress.slice(1).forEach((p, s) => expect(p).toBeGreaterThanOrEqual(progress[s]!));
    }
  });

  it('answers some polls with 429 and Retry-After, or 5xx', async () => {
    fake = await FakeApimart.start();
    fake.useProviderModel({ seed: 3, rateLimitChance: 0.2, serverErrorChance: 0.1 });
    const id = await submit(fake, VALID);
    const answers = await Promise.all(Array.from({ length: 100 }, () => poll(fake!, id)));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(5);
    expect(limited.every((a) => Number(a.retryAfter) >= 1)).toBe(true);
    expect(answers.some((a) => a.status >= 500)).toBe(true);
    expect(answers.filter((a) => a.status === 200).every((a) => a.body.data?.status === 'pending')).toBe(true);
  });
});

describe('fake apimart callbacks', () => {
  it('POSTs the task status to <webhook>/callback when the task finishes, retrying one that failed with a 5xx', async () => {
    const received: { path: string; body: { data: { id: string; status: string } } }[] = [];
    const answers = [500, 204];
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(text) });
        res.writeHead(answers.shift() ?? 404).end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/s3cret`;
    fake = await FakeApimart.start();
    fake.callbackRetryDelaysMs = [50, 50, 50];
    fake.setTaskPlan('next', { completeAtMs: Date.now() + 100 });
    const id = await submit(fake, { ...VALID, webhook });
    await new Promise((resolve) => setTimeout(resolve, 600));

    expect(received.map((r) => [r.path, r.body.data.id, r.body.data.status])).toEqual([
      ['/hooks/s3cret/callback', id, 'completed'], ['/hooks/s3cret/callback', id, 'completed'],
    ]);
    expect(fake.callbacks.map((c) => c.status)).toEqual([500, 204]);
  });
});
