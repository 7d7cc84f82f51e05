import type { Clock, TimerHandle } from '../../clock.ts';

/**
 * Runs queued work once nothing new has arrived for `quietMs` (or `maxDelayMs` after the first item).
 * The work that follows an acknowledgement (status edit, submission) waits for a burst of commands to
 * end, so every command in the burst is acknowledged first.
 */
export function createQuietBatcher(clock: Clock, quietMs: number, maxDelayMs: number) {
  let pending: (() => void)[] = [];
  let timer: TimerHandle | undefined;
  let firstAt = 0;

  const flush = () => {
    timer = undefined;
    const work = pending;
    pending = [];
    for (const item of work) item();
  };

  return {
    add(work: () => void): void {
      pending.push(work);
      const now = clock.now();
      if (timer) clock.clearTimeout(timer);
      else firstAt = now;
      timer = clock.setTimeout(flush, Math.max(0, Math.min(quietMs, firstAt + maxDelayMs - now)));
    },
    /** True while a burst is still arriving (its work not yet started). */
    hasPending: () => pending.length > 0,
    stop(): void {
      if (timer) clock.clearTimeout(timer);
      timer = undefined;
      pending = [];
    },
  };
}
