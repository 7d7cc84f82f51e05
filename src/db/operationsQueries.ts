import type { JobStatus } from './job.ts';

/** What the health check and the metrics read: cheap, history-independent questions. */
export interface OperationsQueries {
  /** The states a job can wait in, each counted by unfinishedJobCounts. */
  readonly unfinishedStatuses: readonly JobStatus[];
  unfinishedJobCounts(): Promise<Map<JobStatus, number>>;
  oldestActiveJobCreatedAt(): Promise<number | null>;
  spendMicrosBetween(fromMs: number, toMs: number): Promise<number>;
  /** Whether a write would succeed now; nothing is written to find out. */
  isWritable(): Promise<boolean>;
}
