import type { Clock, TimerHandle } from '../../clock.ts';
import type { Logger } from '../../logger.ts';

/**
 * The job pipeline's timers, at most one per key (a job id: a new one replaces the old), and the steps
 * they and others started, kept so that stopping can wait for the ones still talking to the provider or
 * Discord. A step that throws is logged, never left unhandled.
 */
export function createJobTimers(clock: Clock, logger: Logger) {
  const timers = new Map<number, TimerHandle>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const track = (work: Promise<void>) => {
    const tracked = work.catch((err) => logger.error('job_step_crashed', { err })).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  const schedule = (key: number, delayMs: number, step: () => Promise<void> | void) => {
    const previous = timers.get(key);
    if (previous) clock.clearTimeout(previous);
    if (stopped) return;
    timers.set(key, clock.setTimeout(() => {
      timers.delete(key);
      if (stopped) return;
      track(Promise.resolve().then(step));
    }, delayMs));
  };

  return {
    schedule,
    track,
    cancel(key: number): void {
      const timer = timers.get(key);
      if (timer) clock.clearTimeout(timer);
      timers.delete(key);
    },
    isScheduled: (key: number) => timers.has(key),
    pending: () => timers.size,
    /** The steps running now, to wait for after stop(). */
    running: () => [...inFlight],
    /** No timer fires and none is set from now on. */
    stop(): void {
      stopped = true;
      for (const timer of timers.values()) clock.clearTimeout(timer);
      timers.clear();
    },
  };
}
