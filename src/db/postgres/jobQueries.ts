import { activeStatuses, limitedStatuses, unfinishedStatuses, type Job, type PollJob } from '../job.ts';
import type { JobQueries } from '../jobQueries.ts';
import { jobFromRow, pollColumns, pollJobFromRow, type JobRow, type PollRow } from '../jobRow.ts';
import type { ShardScope } from '../shardScope.ts';
import { ownedJobsSql } from './shardScope.ts';
import { firstRow, inList, rows, type Queryable } from './sql.ts';

const unfinished = `status IN (${inList(unfinishedStatuses)})`;

/** Read-only questions about jobs, each one statement. The work lists keep to the scope's servers. */
export function createJobQueries(db: Queryable, scope?: ShardScope): JobQueries {
  const owned = ownedJobsSql(scope);
  const jobs = async (sql: string, values: unknown[] = []) => (await rows<JobRow>(db, sql, values)).map(jobFromRow);
  const job = async (sql: string, values: unknown[]) => {
    const row = await firstRow<JobRow>(db, sql, values);
    return row && jobFromRow(row);
  };
  const ids = async (sql: string, values: unknown[]) => (await rows<{ id: number }>(db, sql, values)).map((r) => r.id);

  return {
    get: (id) => job('SELECT * FROM jobs WHERE id = $1', [id]),
    async pollView(id: number): Promise<PollJob | undefined> {
      const row = await firstRow<PollRow>(db, `SELECT ${pollColumns} FROM jobs WHERE id = $1`, [id]);
      return row && pollJobFromRow(row);
    },
    unfinishedJobs: () => jobs(`SELECT * FROM jobs WHERE ${unfinished} AND ${owned} ORDER BY id`),
    jobsToPoll: async () => (await rows<PollRow>(db,
      `SELECT ${pollColumns} FROM jobs WHERE status IN ('submitted', 'timed_out') AND ${owned} ORDER BY id`)).map(pollJobFromRow),
    jobsNotAtProvider: () => jobs(`SELECT * FROM jobs WHERE status IN ('awaiting_confirmation', 'queued', 'completed') AND ${owned} ORDER BY id`),
    placesOfUnfinishedJobs: async () => (await rows<{ guild_id: string; channel_id: string }>(db,
      `SELECT DISTINCT guild_id, channel_id FROM jobs WHERE ${unfinished} AND place_gone IS NULL AND ${owned}`))
      .map((r) => ({ guildId: r.guild_id, channelId: r.channel_id })),
    recentJobsForUser: (userId, limit) => jobs('SELECT * FROM jobs WHERE user_id = $1 ORDER BY id DESC LIMIT $2', [userId, limit]),
    jobByTaskId: (taskId) => job(`SELECT * FROM jobs WHERE task_id = $1 AND ${owned}`, [taskId]),
    jobsNeedingAttention: (guildId) =>
      jobs("SELECT * FROM jobs WHERE guild_id = $1 AND status IN ('submit_unknown', 'timed_out') ORDER BY id", [guildId]),
    jobsWithDeliveryProblems: (guildId, fromMs, toMs) => jobs(
      `SELECT * FROM jobs WHERE guild_id = $1 AND delivery_problem IS NOT NULL AND finished_at >= $2 AND finished_at < $3
       ORDER BY id DESC LIMIT 50`, [guildId, fromMs, toMs]),
    jobsWithUnusableLink: (guildId) =>
      jobs("SELECT * FROM jobs WHERE failure_code = 'unusable_link' AND guild_id = $1 ORDER BY id", [guildId]),
    activeJobIdsForUser: (userId) =>
      ids(`SELECT id FROM jobs WHERE user_id = $1 AND ${unfinished} AND status IN (${inList(activeStatuses)}) ORDER BY id`, [userId]),
    limitedJobIdsForUser: (userId) =>
      ids(`SELECT id FROM jobs WHERE user_id = $1 AND ${unfinished} AND status IN (${inList(limitedStatuses)}) ORDER BY id`, [userId]),
    async queuePosition(jobId: number): Promise<number> {
      return (await firstRow<{ n: number }>(db, "SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued' AND id <= $1", [jobId]))?.n ?? 0;
    },
    firstQueuedJobIds: (limit) => ids(`SELECT id FROM jobs WHERE status = 'queued' AND ${owned} ORDER BY id LIMIT $1`, [limit]),
    async earliestQueuedRetryAt(): Promise<number | null> {
      const row = await firstRow<{ at: number | null }>(db,
        `SELECT MIN(next_attempt_at) AS at FROM jobs WHERE status = 'queued' AND next_attempt_at IS NOT NULL AND ${owned}`);
      return row?.at ?? null;
    },
    async findByMessageId(messageId: string): Promise<{ job: Job; kind: 'status' | 'result' } | undefined> {
      const row = await firstRow<JobRow & { message_kind: 'status' | 'result' }>(db,
        'SELECT j.*, m.kind AS message_kind FROM job_messages m JOIN jobs j ON j.id = m.job_id WHERE m.message_id = $1', [messageId]);
      return row && { job: jobFromRow(row), kind: row.message_kind };
    },
  };
}
