import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelHealth } from '../../src/services/apimart/modelHealth.ts';
import { createProviderHealth } from '../../src/services/apimart/providerHealth.ts';
import { shareProviderState, type SharedProviderStateSync } from '../../src/services/apimart/sharedProviderState.ts';
import { createLogger } from '../../src/logger.ts';
import { openAnotherHost } from '../support/postgresTestDatabase.ts';
import { openTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const now = Date.UTC(2026, 5, 15, 12, 0, 0);
const logger = createLogger({ level: 'error', secrets: [], write: () => undefined });

describe('hosts on one PostgreSQL agree on the provider account, the callback secret and task hints', () => {
  let db: TestDatabase;
  const hosts: ReturnType<typeof openAnotherHost>[] = [];
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
    await db.close();
  });

  function host() {
    const h = openAnotherHost(db.url as string, 2);
    hosts.push(h);
    const coordination = h.stores.hosts!;
    const shared = shareProviderState({
      store: coordination.providerState, health: createProviderHealth(), models: createModelHealth({ clock: { now: () => now }, threshold: 1 }), logger,
    });
    return { coordination, shared };
  }
  const settled = () => new Promise((resolve) => setTimeout(resolve, 50));
  /** What one host learns is written through without waiting: another host sees it after a refresh or a few. */
  async function refreshUntil(other: { shared: SharedProviderStateSync }, condition: () => boolean): Promise<boolean> {
    let recovered = false;
    for (const deadline = Date.now() + 5_000; !condition() && Date.now() < deadline; await settled()) recovered ||= await other.shared.refresh();
    return recovered;
  }

  it("holds every host's submissions after one host's 429, trips and clears the breaker, and turns models off and on for all", async () => {
    const a = host();
    const b = host();
    a.shared.health.holdSubmissions(now + 30_000);
    a.shared.health.markUnavailable('payment_required');
    a.shared.models.recordGone('sora-2');

    expect(await refreshUntil(b, () => b.shared.health.heldUntil() > 0 && !b.shared.health.isAvailable() && b.shared.models.isOff('sora-2'))).toBe(false);
    expect(b.shared.health.heldUntil()).toBe(now + 30_000);
    expect(b.shared.health.reason()).toBe('payment_required');
    expect(b.shared.models.isOff('sora-2')).toBe(true);

    // A shorter hold from another host never shortens the one in place.
    b.shared.health.holdSubmissions(now + 1_000);
    b.shared.health.markAvailable();
    b.shared.models.turnOnAll();
    expect(await refreshUntil(a, () => a.shared.health.isAvailable() && !a.shared.models.isOff('sora-2'))).toBe(true);
    await settled();
    await a.shared.refresh();
    expect(a.shared.health.heldUntil()).toBe(now + 30_000);
    expect(a.shared.health.isAvailable()).toBe(true);
    expect(a.shared.models.isOff('sora-2')).toBe(false);
  });

  it('gives every host the same callback secret, and passes a callback received by one host to a listener on another', async () => {
    const a = host();
    const b = host();
    // Hosts starting together create it at the same moment: each gets the one that was kept.
    const secrets = await Promise.all([a, b, a, b, a, b].map((h) => h.coordination.webhookSecret()));
    expect(secrets[0]).toMatch(/^[\w-]{32}$/);
    expect(new Set(secrets).size).toBe(1);

    const heard: string[] = [];
    const listener = await b.coordination.listenForTaskHints((taskId) => heard.push(taskId), () => undefined);
    try {
      await a.coordination.publishTaskHint('task-123');
      const deadline = Date.now() + 5_000;
      while (heard.length === 0 && Date.now() < deadline) await settled();
      expect(heard).toEqual(['task-123']);
    } finally {
      await listener.stop();
    }
  });

  it('lets one shard of a bucket IDENTIFY at once and makes a shard of the same bucket on another host wait', async () => {
    const a = host();
    const b = host();
    const signal = new AbortController().signal;
    await a.coordination.identifyThrottler(1).waitForIdentify(0, signal);

    const waiting = new AbortController();
    const second = b.coordination.identifyThrottler(1).waitForIdentify(1, waiting.signal);
    const outcome = await Promise.race([second.then(() => 'identified', () => 'aborted'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 500))]);
    expect(outcome).toBe('waiting');
    waiting.abort(new Error('shutting down'));
    await expect(second).rejects.toThrow('shutting down');

    // Another bucket (max_concurrency 2: shard 1 is bucket 1) is not held up by bucket 0.
    await b.coordination.identifyThrottler(2).waitForIdentify(1, signal);
  });
});
