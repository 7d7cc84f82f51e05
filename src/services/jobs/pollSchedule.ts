export interface PollBounds { minIntervalMs: number; maxIntervalMs: number }

export interface PollSituation {
  nowMs: number;
  submittedAtMs: number;
  /** The provider's estimate of the whole run, when it gave one. */
  estimatedTimeSec: number | null;
  /** Last reported progress, 0–100. */
  progress: number;
  consecutiveErrors: number;
  retryAfterMs?: number;
  /** The last poll found the task still waiting in the provider's own queue. */
  providerQueued?: boolean;
  /** The last time the task was seen queued: its run cannot have started before. Defaults to the submission. */
  runStartBoundMs?: number;
  /** The provider will call back when the task finishes: polls are only a slow safety net. */
  expectsCallback?: boolean;
}

const fallbackEstimateSec = 180;
/** Below this, progress says too little about the finishing time to extrapolate from. */
const minProgressForExtrapolation = 5;
/** The submit answer carries no estimate, so the first poll comes early to learn one. */
const firstPollMs = 5_000;
/**
 * Real runs take between half and twice the provider's estimate, and its progress stalls, jumps and
 * sits at 99 %, so progress cannot say when a run ends. What the estimate does say is when a run
 * cannot have ended yet: no poll is spent before half the estimate has passed since the run started.
 */
const fastestRunFraction = 0.5;
/** Twice the estimate, plus slack: the run may have started up to a poll interval after the bound. */
const slowestRunFactor = 2.5;
/** Between the earliest and latest plausible finish, poll this often: a finished video is seen within it. */
const finishWindowIntervalMs = 4_000;
/** Past that the run is late in any case: widen slowly. */
const overdueWidening = 0.1;
/**
 * With push, a lost callback is found by this poll at the latest. Networks lose callbacks (the bench
 * loses one in ten): the finish window is polled a little less often than without push, so a lost
 * one's result is still as fresh as polling makes it at the 95th percentile.
 */
export const pushSafetyPollMs = 1.5 * finishWindowIntervalMs;

/** When the task should finish, for the status card: extrapolated from progress once there is some, else the estimate. */
export function predictedFinishMs(s: PollSituation): number {
  const elapsedMs = Math.max(0, s.nowMs - s.submittedAtMs);
  if (s.progress >= minProgressForExtrapolation && s.progress < 100 && elapsedMs > 0) {
    return s.submittedAtMs + (elapsedMs * 100) / s.progress;
  }
  return s.submittedAtMs + (s.estimatedTimeSec ?? fallbackEstimateSec) * 1000;
}

/**
 * Delay until the next status poll. The bot asks once early (to learn the estimate), rarely while the
 * task waits in the provider's queue or cannot have finished yet, then every few seconds through the
 * window in which it may finish. Errors back off exponentially and never undercut Retry-After. With
 * push, the callback triggers the poll that finds the video; the schedule is only a safety net.
 */
export function nextPollDelayMs(s: PollSituation, bounds: PollBounds): number {
  const delay = pollingDelayMs(s, bounds);
  // A failed poll (often the one a callback asked for) is retried on the error backoff, not left to the safety net.
  return s.expectsCallback && s.consecutiveErrors === 0 ? Math.max(delay, pushSafetyPollMs) : delay;
}

function pollingDelayMs(s: PollSituation, bounds: PollBounds): number {
  const clamp = (ms: number) => Math.min(bounds.maxIntervalMs, Math.max(bounds.minIntervalMs, Math.round(ms)));
  if (s.consecutiveErrors > 0) {
    const backoff = clamp(bounds.minIntervalMs * 2 ** Math.min(s.consecutiveErrors, 10));
    return Math.max(backoff, s.retryAfterMs ?? 0);
  }
  if (s.estimatedTimeSec === null && s.progress === 0) return clamp(firstPollMs);
  const estimateMs = (s.estimatedTimeSec ?? fallbackEstimateSec) * 1000;
  // Once it leaves the queue it still runs at least this long, so this gap cannot miss the finish.
  if (s.providerQueued) return clamp(estimateMs * fastestRunFraction);
  const runStartMs = s.runStartBoundMs ?? s.submittedAtMs;
  const earliestFinishMs = runStartMs + estimateMs * fastestRunFraction;
  if (s.nowMs < earliestFinishMs) return clamp(earliestFinishMs - s.nowMs);
  const overdueMs = Math.max(0, s.nowMs - (runStartMs + estimateMs * slowestRunFactor));
  return clamp(finishWindowIntervalMs + overdueMs * overdueWidening);
}
