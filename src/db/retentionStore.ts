/**
 * Erases what members wrote and what the provider linked (prompt, reference image, video URL, the stored
 * request that repeats them) from jobs finished before a cutoff. Amounts, states, times, the ledger and the
 * audit log stay, so spend totals and counts never change.
 */
export interface RetentionStore {
  /** Erases at most `limit` jobs in one short transaction; returns how many it erased. */
  eraseFinishedBefore(cutoffMs: number, nowMs: number, limit: number): Promise<number>;
}
