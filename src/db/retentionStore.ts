/**
 * Erases what members wrote and what the provider linked (prompt, reference image and its kept bytes, video
 * URL, the stored request that repeats them) from jobs finished before a cutoff. Amounts, states, times, the
 * ledger and the audit log stay, so spend totals and counts never change.
 */
export interface RetentionStore {
  /**
   * Erases at most `limit` jobs in one short transaction; returns how many it erased. The old text is
   * overwritten where it lay, not only freed.
   */
  eraseFinishedBefore(cutoffMs: number, nowMs: number, limit: number): Promise<number>;
  /**
   * Deletes one kept reference image that no job refers to any more and that is older than `createdBefore`
   * (a younger one may still be being written); false when there is none. One image per transaction.
   */
  dropUnreferencedImage(createdBefore: number): Promise<boolean>;
  /**
   * After an erase that changed rows: no earlier copy of the erased text may stay anywhere in the
   * engine's files (SQLite: its write-ahead log). Answers false when that had to wait for a reader.
   */
  checkpointAfterErase(): Promise<boolean>;
}
