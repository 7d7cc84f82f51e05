export type TimerHandle = { readonly id: unknown };

/** Time as a dependency, so tests drive schedules without waiting on the wall clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, delayMs) {
    // Node caps timers at 2^31-1 ms; longer waits are re-armed by whoever scheduled them.
    const timer = setTimeout(fn, Math.min(Math.max(0, delayMs), 2_147_483_647));
    timer.unref?.();
    return { id: timer };
  },
  clearTimeout(handle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};
