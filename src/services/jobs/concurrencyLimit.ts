/** Runs at most `max` of the given tasks at once; the rest wait in arrival order. */
export function createConcurrencyLimit(max: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function limit<T>(task: () => Promise<T>): Promise<T> {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Like createConcurrencyLimit, but fair between keys: at most `perKey` tasks of one key run at once,
 * and a freed slot goes to the key that has waited longest since it last got one (round robin). One
 * busy key (a channel Discord holds to five messages in five seconds) then cannot keep every other key
 * waiting behind its whole queue.
 */
export function createFairConcurrencyLimit(max: number, perKey: number) {
  let running = 0;
  const runningByKey = new Map<string, number>();
  // Insertion order is the round: a key that just got a slot goes to the back.
  const waiting = new Map<string, (() => void)[]>();
  const runningOf = (key: string) => runningByKey.get(key) ?? 0;

  function take(key: string): void {
    running++;
    runningByKey.set(key, runningOf(key) + 1);
  }

  function release(key: string): void {
    running--;
    const left = runningOf(key) - 1;
    if (left === 0) runningByKey.delete(key);
    else runningByKey.set(key, left);
  }

  function enqueue(key: string, start: () => void): void {
    const queue = waiting.get(key);
    if (queue) queue.push(start);
    else waiting.set(key, [start]);
  }

  function startNext(): boolean {
    if (running >= max) return false;
    for (const [key, queue] of waiting) {
      if (runningOf(key) >= perKey) continue;
      const next = queue.shift() as () => void;
      waiting.delete(key);
      if (queue.length > 0) waiting.set(key, queue);
      take(key);
      next();
      return true;
    }
    return false;
  }

  return async function limit<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (running < max && runningOf(key) < perKey && !waiting.has(key)) take(key);
    else await new Promise<void>((resolve) => enqueue(key, resolve));
    try {
      return await task();
    } finally {
      release(key);
      while (startNext());
    }
  };
}
