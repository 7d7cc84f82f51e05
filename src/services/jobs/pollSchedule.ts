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
/** The submit answer carries no estimate, so the first poll comes early to learn one. */
const firstPollMs = 5_000;
/** Far from the finish, one poll refines the prediction before the poll that should find the video. */
const refineBeyondMs = 10_000;
const refineFraction = 0.7;
/** Land just after the predicted finish rather than just before it. */
const finishMarginMs = 500;
/** Once overdue, poll often enough that a late video is seen within seconds, widening slowly. */
const overdueBaseMs = 3_000;
const overdueWidening = 0.1;

/** When the task should finish: extrapolated from progress once there is some, else the estimate. */
export function predictedFinishMs(s: PollSituation): number {
  const elapsedMs = Math.max(0, s.nowMs - s.submittedAtMs);
  if (s.progress >= minProgressForExtrapolation && s.progress < 100 && elapsedMs > 0) {
    return s.submittedAtMs + (elapsedMs * 100) / s.progress;
  }
  return s.submittedAtMs + (s.estimatedTimeSec ?? fallbackEstimateSec) * 1000;
}

/**
 * Delay until the next status poll. Instead of asking every few seconds, the bot asks once early (to
 * learn the estimate and progress), once more when far out (to refine the predicted finish), then
 * just after the predicted finish; only a job running past its prediction is polled every few
 * seconds. Errors back off exponentially and never undercut the provider's Retry-After.
 */
export function nextPollDelayMs(s: PollSituation, bounds: PollBounds): number {
  const clamp = (ms: number) => Math.min(bounds.maxIntervalMs, Math.max(bounds.minIntervalMs, Math.round(ms)));
  if (s.consecutiveErrors > 0) {
    const backoff = clamp(bounds.minIntervalMs * 2 ** Math.min(s.consecutiveErrors, 10));
    return Math.max(backoff, s.retryAfterMs ?? 0);
  }
  if (s.estimatedTimeSec === null && s.progress === 0) return clamp(firstPollMs);
  const remainingMs = predictedFinishMs(s) - s.nowMs;
  if (remainingMs > refineBeyondMs) return clamp(remainingMs * refineFraction);
  if (remainingMs > 0) return clamp(remainingMs + finishMarginMs);
  return clamp(overdueBaseMs + -remainingMs * overdueWidening);
}
