import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallbackFaults } from './fakeCallbackFaults.ts';
import { FakeApimart } from './fakeApimart.ts';

describe('the fake apimart’s unreliable callbacks', () => {
  let apimart: FakeApimart | undefined;
  let receiver: Server | undefined;
  afterEach(async () => {
    await apimart?.stop();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  });

  /** A webhook receiver that records when each callback arrived, and the fake, each task finishing at once. */
  async function start(faults: Parameters<FakeApimart['useCallbackFaults']>[0]) {
    const arrivals: { taskId: string; at: number }[] = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += String(chunk); });
      req.on('end', () => {
        arrivals.push({ taskId: (JSON.parse(body) as { data: { id: string } }).data.id, at: Date.now() });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
    const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    apimart = await FakeApimart.start();
    const fates = apimart.useCallbackFaults(faults);
    const submit = async () => {
      apimart?.setTaskPlan('next', { completeAtMs: Date.now() + 50 });
      const res = await fetch(`${apimart?.baseUrl}/v1/videos/generations`, {
        method: 'POST', headers: { authorization: `Bearer ${apimart?.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'sora-2-preview', prompt: 'a fox', duration: 4, aspect_ratio: 'landscape', webhook }),
      });
      return { submittedAt: Date.now(), body: await res.json() };
    };
    return { arrivals, fates, submit };
  }

  it('loses a callback for good: no delivery and no retry', async () => {
    const { arrivals, fates, submit } = await start({ seed: 1, loseChance: 1 });
    await submit();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(arrivals).toEqual([]);
    expect(fates).toMatchObject({ lost: 1, delivered: 0 });
  });

  it('delivers a delayed callback late, and a duplicated one twice', async () => {
    const late = await start({ seed: 1, delayChance: 1, delayMs: [300, 300] });
    const { submittedAt } = await late.submit();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(late.arrivals).toHaveLength(1);
    expect((late.arrivals[0]?.at ?? 0) - submittedAt).toBeGreaterThanOrEqual(300);
    await apimart?.stop();
    await new Promise((resolve) => receiver?.close(resolve));

    const twice = await start({ seed: 1, duplicateChance: 1, delayMs: [100, 100] });
    await twice.submit();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(twice.arrivals).toHaveLength(2);
    expect(twice.arrivals[0]?.taskId).toBe(twice.arrivals[1]?.taskId);
  });

  it('gives each fate its exact share of every 20 callbacks, in the same order for the same seed', () => {
    const dealt = (seed: number) => {
      const faults = createCallbackFaults({ seed, loseChance: 0.1, delayChance: 0.1, duplicateChance: 0.1 });
      return Array.from({ length: 40 }, () => faults.copies().length);
    };
    const order = dealt(7);
    for (const block of [order.slice(0, 20), order.slice(20)]) {
      expect(block.filter((copies) => copies === 0)).toHaveLength(2);
      expect(block.filter((copies) => copies === 2)).toHaveLength(2);
    }
    expect(dealt(7)).toEqual(order);
    expect(dealt(8)).not.toEqual(order);
  });
});
