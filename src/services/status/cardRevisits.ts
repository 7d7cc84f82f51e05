import type { Job } from '../../db/job.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import { cardRevisitAt } from './statusCard.ts';
import type { StatusContext } from './statusText.ts';

/**
 * A redraw of a job's card when the ETA it shows passes, so it never shows a finish time in the past:
 * one timer per job, replaced whenever the card is written again.
 */
export function createCardRevisits(deps: { clock: Clock; contextFor: (job: Job) => Promise<StatusContext>; redraw: (jobId: number) => void }) {
  const { clock } = deps;
  const timers = new Map<number, TimerHandle>();
  let stopped = false;

  function cancel(jobId: number): void {
    const timer = timers.get(jobId);
    if (timer) clock.clearTimeout(timer);
    timers.delete(jobId);
  }

  return {
    /** The card of `job` was just written: its redraw is armed for when its ETA passes, if it shows one. */
    async after(job: Job): Promise<void> {
      const context = await deps.contextFor(job);
      if (stopped) return;
      const at = cardRevisitAt(job, context, clock.now());
      cancel(job.id);
      if (at === null) return;
      timers.set(job.id, clock.setTimeout(() => {
        timers.delete(job.id);
        if (!stopped) deps.redraw(job.id);
      }, at - clock.now() + 1_000));
    },
    cancel,
    stop(): void {
      stopped = true;
      for (const timer of timers.values()) clock.clearTimeout(timer);
      timers.clear();
    },
  };
}

export type CardRevisits = ReturnType<typeof createCardRevisits>;
