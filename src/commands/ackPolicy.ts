import type { Clock, TimerHandle } from '../clock.ts';

const discordEpochMs = 1_420_070_400_000n;
/** When Discord created a snowflake, by its own clock. */
const createdAtMs = (snowflake: string) => Number((BigInt(snowflake) >> 22n) + discordEpochMs);

/** Discord refuses a first answer 3 s after the interaction's creation; past this, the card waits. */
const lateAfterMs = 1_500;
/** With this many commands between arrival and first answer, the bot is behind: the next are answered at once. */
const maxWaiting = 64;
/** How fast the estimate of the usual delay may rise again (a clock step, a slower network). */
const baselineDriftPerSecondMs = 5;
/** The longest a deferred command's work waits for the crowd to be answered (a steady overload never empties it). */
const maxHoldMs = 5_000;
/** A burst reaches the bot in chunks: the crowd is answered once none waits and no deferred one arrived for this long. */
const quietMs = 50;

/**
 * Whether a command is answered at once with a bare deferral (its card then comes as the first edit)
 * rather than with its card after the reservation: when the interaction is already old, or when many
 * commands wait for their first answer (a burst, an event loop that is behind). Members then never
 * see "The application did not respond", whatever the burst.
 *
 * An interaction's age comes from its snowflake, by Discord's clock; this host's clock may differ by
 * seconds. What counts is the delay beyond the usual one: the smallest seen, allowed to drift up slowly.
 */
export function createAckPolicy(clock: Clock) {
  let waiting = 0;
  let unfinished = 0;
  let usualDelayMs = Infinity;
  let usualSeenAt = 0;
  const held = new Set<() => void>();
  let quietTimer: TimerHandle | undefined;

  function releaseHeld(): void {
    quietTimer = undefined;
    const release = [...held];
    held.clear();
    for (const resume of release) resume();
  }

  function answerOne(): void {
    waiting--;
    if (waiting === 0 && held.size > 0 && !quietTimer) quietTimer = clock.setTimeout(releaseHeld, quietMs);
  }

  /** Only a deferred arrival says a crowd is still coming: steady light traffic must not hold the work. */
  function arrived(deferred: boolean): void {
    waiting++;
    if (!deferred || !quietTimer) return;
    clock.clearTimeout(quietTimer);
    quietTimer = undefined;
  }

  /**
   * Resolves once no command waits for its first answer and no deferred one arrived for a moment (or
   * after maxHoldMs). A deferred command's reservation and card are work the crowd's deferrals must not
   * queue behind: in a burst of thousands, that work done at once made later deferrals miss Discord's 3 s.
   */
  function crowdAnswered(): Promise<void> {
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => {
        held.delete(resume);
        resolve();
      }, maxHoldMs);
      const resume = () => {
        clock.clearTimeout(timer);
        resolve();
      };
      held.add(resume);
      if (waiting === 0 && !quietTimer) quietTimer = clock.setTimeout(releaseHeld, quietMs);
    });
  }

  function lateness(interactionId: string): number {
    const now = clock.now();
    const delay = now - createdAtMs(interactionId);
    const drifted = usualDelayMs + ((now - usualSeenAt) / 1000) * baselineDriftPerSecondMs;
    if (delay <= drifted) {
      usualDelayMs = delay;
      usualSeenAt = now;
    }
    return delay - Math.min(usualDelayMs, drifted);
  }

  return {
    /** Commands between arrival and first answer. */
    waiting: () => waiting,
    /** Commands whose card (or refusal) has not been shown yet, deferred ones included. */
    unfinished: () => unfinished,
    /**
     * A command arrived. `answered` once its first answer has gone (or it was refused), `done` once its
     * card or refusal is shown (each again is harmless); a command answered at once awaits
     * `crowdAnswered` before its own work.
     */
    begin(interactionId: string): { answerAtOnce: boolean; answered: () => void; crowdAnswered: () => Promise<void>; done: () => void } {
      const answerAtOnce = lateness(interactionId) > lateAfterMs || waiting >= maxWaiting;
      arrived(answerAtOnce);
      unfinished++;
      let isAnswered = false;
      let isDone = false;
      const answered = () => {
        if (isAnswered) return;
        isAnswered = true;
        answerOne();
      };
      return {
        answerAtOnce,
        answered,
        crowdAnswered,
        done: () => {
          answered();
          if (isDone) return;
          isDone = true;
          unfinished--;
        },
      };
    },
  };
}

export type AckPolicy = ReturnType<typeof createAckPolicy>;
