/**
 * Store calls still running. On SQLite a call has committed before it returns, but PostgreSQL answers
 * over a socket, in real time: the manual clock must wait for those answers before it moves, or a
 * step would see timers fire while the database is still working on what came before them.
 */
export class PendingCalls {
  private running = 0;
  private waiting: (() => void)[] = [];

  get busy(): boolean {
    return this.running > 0;
  }

  track<T>(call: Promise<T>): Promise<T> {
    this.running += 1;
    return call.finally(() => {
      this.running -= 1;
      if (this.running === 0) for (const wake of this.waiting.splice(0)) wake();
    });
  }

  /** Resolves once no call is running. */
  idle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** The same object (nested objects such as `store.spend` included) with every promise it answers tracked. */
export function tracked<T extends object>(target: T, pending: PendingCalls): T {
  const nested = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key);
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          const answer: unknown = value.apply(object, args);
          return answer instanceof Promise ? pending.track(answer) : answer;
        };
      }
      if (value !== null && typeof value === 'object') {
        if (!nested.has(key)) nested.set(key, tracked(value, pending));
        return nested.get(key);
      }
      return value;
    },
  });
}
