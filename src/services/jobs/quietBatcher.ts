import type { Clock, TimerHandle } from '../../clock.ts';

/**
 * Runs queued work once nothing new has arrived for `quietMs` and nothing is `busy` (or `maxDelayMs`
 * after the first item). The work that follows an acknowledgement (status edit, submission, each with
 * its synced writes) waits for a burst of commands to end, commands still waiting for their first
 * answer included, so every command in the burst is acknowledged first.
 */
export function createQuietBatcher(clock: Clock, quietMs: number, maxDelayMs: number, busy: () => boolean = () => false) {
  let pending: (() => void)[] = [];
  let timer: TimerHandle | undefined;
  let firstAt = 0;

  const flush = () => {
    if (busy() && clock.now() - firstAt < maxDelayMs) {
      timer = clock.setTimeout(flush, Math.max(0, Math.min(quietMs, firstAt + maxDelayMs - clock.now())));
      return;
    }
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
