import { describe, expect, it } from 'vitest';
import { createFairConcurrencyLimit } from '../../src/services/jobs/concurrencyLimit.ts';

/** A task that runs until the test lets it finish, recording when it started. */
function gatedTasks(started: string[]) {
  const finishers = new Map<string, () => void>();
  const task = (name: string) => () => new Promise<void>((resolve) => {
    started.push(name);
    finishers.set(name, resolve);
  });
  const finish = async (name: string) => {
    finishers.get(name)?.();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { task, finish };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('fair concurrency limit (result deliveries shared between channels)', () => {
  it("starts another channel's delivery at once while a busy channel has its full share running and more waiting", async () => {
    const started: string[] = [];
    const { task } = gatedTasks(started);
    const limit = createFairConcurrencyLimit(3, 2);
    for (let i = 1; i <= 10; i++) void limit('busy', task(`busy${i}`));
    void limit('quiet', task('quiet1'));
    await settle();
    expect(started).toEqual(['busy1', 'busy2', 'quiet1']);
  });

  it('gives a freed slot to the keys in turn, not to the one with the longest queue', async () => {
    const started: string[] = [];
    const { task, finish } = gatedTasks(started);
    const limit = createFairConcurrencyLimit(1, 1);
    for (const name of ['a1', 'a2', 'a3']) void limit('a', task(name));
    void limit('b', task('b1'));
    void limit('c', task('c1'));
    await settle();
    for (const name of ['a1', 'a2', 'b1', 'c1']) await finish(name);
    expect(started).toEqual(['a1', 'a2', 'b1', 'c1', 'a3']);
  });

  it('never runs more than the limit at once, nor more than the share of one key, and runs every task', async () => {
    let running = 0;
    let most = 0;
    const runningByKey = new Map<string, number>();
    let mostOfOneKey = 0;
    const limit = createFairConcurrencyLimit(3, 2);
    const keys = ['a', 'a', 'a', 'a', 'b', 'a', 'c', 'b', 'a', 'a', 'c', 'b'];
    const done = await Promise.all(keys.map((key, i) => limit(key, async () => {
      running++;
      runningByKey.set(key, (runningByKey.get(key) ?? 0) + 1);
      most = Math.max(most, running);
      mostOfOneKey = Math.max(mostOfOneKey, runningByKey.get(key) ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
      running--;
      runningByKey.set(key, (runningByKey.get(key) ?? 0) - 1);
      return i;
    })));
    expect(done).toEqual(keys.map((_, i) => i));
    expect(most).toBe(3);
    expect(mostOfOneKey).toBe(2);
  });

  it('lets the next task of a key run when one of its tasks fails', async () => {
    const limit = createFairConcurrencyLimit(1, 1);
    const failing = limit('a', () => Promise.reject(new Error('refused')));
    const next = limit('a', () => Promise.resolve('ran'));
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('ran');
  });
});
