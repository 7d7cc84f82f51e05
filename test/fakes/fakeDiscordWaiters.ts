import type { RecordedRequest } from './fakeDiscordState.ts';

interface Waiter {
  pred: (r: RecordedRequest) => boolean;
  resolve: (r: RecordedRequest) => void;
  reject: (e: Error) => void;
}

/** Tests wait for the requests the bot makes, and for conditions, with a timeout that says what happened. */
export class FakeWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly requests: readonly RecordedRequest[]) {}

  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    const seen = this.requests.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const recent = this.requests.slice(-10).map((r) => `${r.method} ${r.path} -> ${r.status}`);
        reject(new Error(`no matching Discord request within ${timeoutMs} ms; recent: ${recent.join(', ') || 'none'}`));
      }, timeoutMs);
      const waiter: Waiter = {
        pred,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
    });
  }

  async waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  notify(r: RecordedRequest): void {
    for (const waiter of this.waiters) {
      if (waiter.pred(r)) {
        this.waiters.delete(waiter);
        waiter.resolve(r);
      }
    }
  }

  rejectAll(): void {
    for (const waiter of this.waiters) waiter.reject(new Error('FakeDiscord stopped'));
    this.waiters.clear();
  }
}
