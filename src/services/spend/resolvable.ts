import type { Job } from '../../db/job.ts';

/** A timed-out job is polled for its late result this long before polling stops. */
export const defaultLatePollWindowMs = 24 * 60 * 60_000;

/** How long a timed-out job is still polled for a late result (the poller's own settings). */
export interface LatePollWindow { jobTimeoutMs: number; latePollWindowMs: number }

/** When the poller stops asking the provider about a timed-out job (its late-poll window ends). */
export function latePollingEndsAt(job: Pick<Job, 'submittedAt' | 'updatedAt'>, w: LatePollWindow): number {
  return (job.submittedAt ?? job.updatedAt) + w.jobTimeoutMs + w.latePollWindowMs;
}

/**
 * When an admin may settle or release a job by hand: a submit with an unknown outcome at once; a
 * timed-out job only once polling for its late result has stopped, since until then the provider may
 * still complete it (and the bot would settle and deliver it itself). Null: now.
 */
export function resolvableAt(job: Pick<Job, 'status' | 'submittedAt' | 'updatedAt'>, w: LatePollWindow, nowMs: number): number | null {
  if (job.status !== 'timed_out') return null;
  const pollingEndsAt = latePollingEndsAt(job, w);
  return nowMs > pollingEndsAt ? null : pollingEndsAt;
}
