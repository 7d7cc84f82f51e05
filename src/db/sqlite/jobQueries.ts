import { activeStatuses, limitedStatuses, unfinishedStatuses, type Job, type JobStatus, type PollJob } from '../job.ts';
import type { ShardScope } from '../shardScope.ts';
import { jobFromRow, pollColumns, pollJobFromRow, type JobRow, type PollRow } from '../jobRow.ts';
import type { Db } from './openDatabase.ts';
import { ownedJobsSql } from './shardScope.ts';

export const inList = (statuses: readonly JobStatus[]) => statuses.map((s) => `'${s}'`).join(', ');

/** Read-only questions about jobs: lookups, lists, the queue. The work lists keep to the scope's servers. */
export function createSyncJobQueries(db: Db, scope?: ShardScope) {
  const owned = ownedJobsSql(scope);
  const byId = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?');
  const pollById = db.prepare<[number], PollRow>(`SELECT ${pollColumns} FROM jobs WHERE id = ?`);
  const activeForUser = db.prepare<[string], { id: number }>(
    // Through the partial index of unfinished jobs (active ones are a subset), never the member's history.
    `SELECT id FROM jobs INDEXED BY jobs_unfinished_by_user WHERE user_id = ? AND status IN (${inList(unfinishedStatuses)}) AND status IN (${inList(activeStatuses)}) ORDER BY id`);
  const limitedForUser = db.prepare<[string], { id: number }>(
    `SELECT id FROM jobs INDEXED BY jobs_unfinished_by_user WHERE user_id = ? AND status IN (${inList(unfinishedStatuses)}) AND status IN (${inList(limitedStatuses)}) ORDER BY id`);
  const unfinished = db.prepare<[], JobRow>(
    `SELECT * FROM jobs INDEXED BY jobs_unfinished WHERE status IN (${inList(unfinishedStatuses)}) AND ${owned} ORDER BY id`);
  const toPoll = db.prepare<[], PollRow>(
    `SELECT ${pollColumns} FROM jobs INDEXED BY jobs_unfinished WHERE status IN (${inList(unfinishedStatuses)}) AND status IN ('submitted', 'timed_out') AND ${owned} ORDER BY id`);
  const notAtProvider = db.prepare<[], JobRow>(
    `SELECT * FROM jobs INDEXED BY jobs_unfinished WHERE status IN (${inList(unfinishedStatuses)}) AND status IN ('awaiting_confirmation', 'queued', 'completed') AND ${owned} ORDER BY id`);
  // Two columns of each unfinished job, made distinct here: SQLite's DISTINCT would sort them in a temporary B-tree.
  const unfinishedPlaces = db.prepare<[], [string, string]>(
    `SELECT guild_id, channel_id FROM jobs INDEXED BY jobs_unfinished WHERE status IN (${inList(unfinishedStatuses)}) AND place_gone IS NULL AND ${owned}`).raw();
  const earliestQueuedRetry = db.prepare<[], { at: number | null }>(
    `SELECT MIN(next_attempt_at) AS at FROM jobs WHERE status = 'queued' AND next_attempt_at IS NOT NULL AND ${owned}`);
  const firstQueued = db.prepare<[number], { id: number }>(`SELECT id FROM jobs WHERE status = 'queued' AND ${owned} ORDER BY id LIMIT ?`);
  const queuePositionStmt = db.prepare<[number], { n: number }>(
    "SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued' AND id <= ?");
  const byMessage = db.prepare<[string], JobRow & { message_kind: 'status' | 'result' }>(
    `SELECT j.*, m.kind AS message_kind FROM job_messages m JOIN jobs j ON j.id = m.job_id WHERE m.message_id = ?`);
  const recentForUser = db.prepare<[string, number], JobRow>(
    'SELECT * FROM jobs WHERE user_id = ? ORDER BY id DESC LIMIT ?');
  const needingAttention = db.prepare<[string], JobRow>(
    "SELECT * FROM jobs WHERE guild_id = ? AND status IN ('submit_unknown', 'timed_out') ORDER BY id");

  const withDeliveryProblem = db.prepare<[string, number, number], JobRow>(
    `SELECT * FROM jobs WHERE guild_id = ? AND delivery_problem IS NOT NULL AND finished_at >= ? AND finished_at < ?
     ORDER BY id DESC LIMIT 50`);
  const byTaskId = db.prepare<[string], JobRow>(`SELECT * FROM jobs WHERE task_id = ? AND ${owned}`);
  const unusableLinks = db.prepare<[string], JobRow>(
    "SELECT * FROM jobs WHERE failure_code = 'unusable_link' AND guild_id = ? ORDER BY id");

  return {
    get(id: number): Job | undefined {
      const row = byId.get(id);
      return row && jobFromRow(row);
    },
    /** The few columns a poll needs, read without parsing the request. */
    pollView(id: number): PollJob | undefined {
      const row = pollById.get(id);
      return row && pollJobFromRow(row);
    },
    unfinishedJobs: () => unfinished.all().map(jobFromRow),
    jobsToPoll: () => toPoll.all().map(pollJobFromRow),
    jobsNotAtProvider: () => notAtProvider.all().map(jobFromRow),
    placesOfUnfinishedJobs(): { guildId: string; channelId: string }[] {
      const places = new Map<string, { guildId: string; channelId: string }>();
      for (const [guildId, channelId] of unfinishedPlaces.all()) places.set(`${guildId}/${channelId}`, { guildId, channelId });
      return [...places.values()];
    },
    recentJobsForUser: (userId: string, limit: number) => recentForUser.all(userId, limit).map(jobFromRow),
    jobByTaskId(taskId: string): Job | undefined {
      const row = byTaskId.get(taskId);
      return row && jobFromRow(row);
    },
    jobsNeedingAttention: (guildId: string) => needingAttention.all(guildId).map(jobFromRow),
    /** Results that could not be posted where they belonged, finished in the window (newest first). */
    jobsWithDeliveryProblems: (guildId: string, fromMs: number, toMs: number) =>
      withDeliveryProblem.all(guildId, fromMs, toMs).map(jobFromRow),
    /** Jobs whose provider link was refused: billed, never delivered, so an admin should know. */
    jobsWithUnusableLink: (guildId: string) => unusableLinks.all(guildId).map(jobFromRow),
    activeJobIdsForUser: (userId: string) => activeForUser.all(userId).map((r) => r.id),
    /** The jobs USER_MAX_ACTIVE_JOBS counts: those the provider has not finished. */
    limitedJobIdsForUser: (userId: string) => limitedForUser.all(userId).map((r) => r.id),
    queuePosition: (jobId: number) => queuePositionStmt.get(jobId)?.n ?? 0,
    firstQueuedJobIds: (limit: number) => firstQueued.all(limit).map((r) => r.id),
    earliestQueuedRetryAt: () => earliestQueuedRetry.get()?.at ?? null,
    findByMessageId(messageId: string): { job: Job; kind: 'status' | 'result' } | undefined {
      const row = byMessage.get(messageId);
      return row && { job: jobFromRow(row), kind: row.message_kind };
    },
  };
}

export type SyncJobQueries = ReturnType<typeof createSyncJobQueries>;
