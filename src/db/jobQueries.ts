import type { Job, PollJob } from './job.ts';

/** Read-only questions about jobs: lookups, lists, the queue. The work lists keep to the store's shard scope. */
export interface JobQueries {
  get(id: number): Promise<Job | undefined>;
  /** The few fields a poll needs, read without parsing the request. */
  pollView(id: number): Promise<PollJob | undefined>;
  /** Every unfinished job of the scope's servers, oldest first. */
  unfinishedJobs(): Promise<Job[]>;
  /** At start, what polling needs first: the scope's jobs at the provider (submitted or timed out), poll fields only. */
  jobsToPoll(): Promise<PollJob[]>;
  /** At start, the scope's unfinished jobs not at the provider (waiting for a ✅, queued, or waiting for delivery), oldest first. */
  jobsNotAtProvider(): Promise<Job[]>;
  /** At start, each server and channel that unfinished jobs of the scope are in, once, where not yet known to be gone. */
  placesOfUnfinishedJobs(): Promise<{ guildId: string; channelId: string }[]>;
  /** Newest first. */
  recentJobsForUser(userId: string, limit: number): Promise<Job[]>;
  /** The scope's job with this provider task (a callback for another process's job finds nothing here). */
  jobByTaskId(taskId: string): Promise<Job | undefined>;
  /** Jobs an admin must resolve: submit outcome unknown, or timed out. */
  jobsNeedingAttention(guildId: string): Promise<Job[]>;
  /** Results that could not be posted where they belonged, finished in the window (newest first). */
  jobsWithDeliveryProblems(guildId: string, fromMs: number, toMs: number): Promise<Job[]>;
  /** Jobs whose provider link was refused: billed, never delivered, so an admin should know. */
  jobsWithUnusableLink(guildId: string): Promise<Job[]>;
  /** Everything not yet finished for the member, as /usage shows it. */
  activeJobIdsForUser(userId: string): Promise<number[]>;
  /** The jobs USER_MAX_ACTIVE_JOBS counts: those the provider has not finished. */
  limitedJobIdsForUser(userId: string): Promise<number[]>;
  /** 1 for the next job to be submitted, bot-wide. */
  queuePosition(jobId: number): Promise<number>;
  firstQueuedJobIds(limit: number): Promise<number[]>;
  /** When the first queued job that waits for a retry falls due; null when none waits. */
  earliestQueuedRetryAt(): Promise<number | null>;
  /** The job whose status or result message this is. */
  findByMessageId(messageId: string): Promise<{ job: Job; kind: 'status' | 'result' } | undefined>;
}
