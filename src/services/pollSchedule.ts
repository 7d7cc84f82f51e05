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
}

const fallbackEstimateSec = 180;
/** Below this, progress says too little about the finishing time to extrapolate from. */
const minProgressForExtrapolation = 5;

/** When the task should finish: extrapolated from progress once there is some, else the estimate. */
export function predictedFinishMs(s: PollSituation): number {
  const elapsedMs = Math.max(0, s.nowMs - s.submittedAtMs);
  if (s.progress >= minProgressForExtrapolation && s.progress < 100 && elapsedMs > 0) {
    return s.submittedAtMs + (elapsedMs * 100) / s.progress;
  }
  return s.submittedAtMs + (s.estimatedTimeSec ?? fallbackEstimateSec) * 1000;
}

/**
 * Delay until the next status poll. Before the predicted finish we wait half the remaining time, so a
 * job costs a handful of polls instead of one every few seconds, and the polls crowd in where the
 * result is likely to appear; once overdue we poll near the minimum, widening slowly. Errors back off
 * exponentially and never undercut the provider's Retry-After.
 */
export function nextPollDelayMs(s: PollSituation, bounds: PollBounds): number {
  const clamp = (ms: number) => Math.min(bounds.maxIntervalMs, Math.max(bounds.minIntervalMs, Math.round(ms)));
  if (s.consecutiveErrors > 0) {
    const backoff = clamp(bounds.minIntervalMs * 2 ** Math.min(s.consecutiveErrors, 10));
    return Math.max(backoff, s.retryAfterMs ?? 0);
  }
  const remainingMs = predictedFinishMs(s) - s.nowMs;
  if (remainingMs > 0) return clamp(remainingMs / 2);
  return clamp(bounds.minIntervalMs + -remainingMs / 20);
}
