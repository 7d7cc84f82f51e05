import { activeStatuses, type JobStatus } from '../../src/db/job.ts';
import type { CreateJobResult } from '../../src/db/jobStore.ts';
import { utcPeriods } from '../../src/services/spend/budgetPeriods.ts';
import { rerollBurstWindowMs } from '../../src/services/controls/reroll.ts';
import { ambiguousSubmitModes, refusedSubmitModes } from './modelApimart.ts';
import type { World } from './world.ts';

interface JobRow {
  id: number; user_id: string; guild_id: string; status: JobStatus; estimate_micros: number; cost_micros: number | null;
  task_id: string | null; result_message_id: string | null; created_at: number; parent_job_id: number | null;
  failure_code: string | null; confirm_deadline_at: number | null; finished_at: number | null;
}
interface LedgerRow { job_id: number; user_id: string; guild_id: string; kind: 'reserve' | 'settle' | 'release'; amount_micros: number; period_at: number }

export class InvariantError extends Error {
  override name = 'InvariantError';
}

function fail(message: string): never {
  throw new InvariantError(`invariant: ${message}`);
}

const heldStatuses: readonly JobStatus[] = ['awaiting_confirmation', 'queued', 'submitting', 'submitted', 'timed_out', 'submit_unknown'];

/** The money state each job status implies. */
function expectedMoney(job: JobRow): 'held' | 'settled' | 'released' {
  if (heldStatuses.includes(job.status)) return 'held';
  if (job.status === 'completed' || job.status === 'delivered') return 'settled';
  if (job.status === 'expired') {
    return ['video_expired', 'resolved_billed', 'undeliverable', 'unusable_link'].includes(job.failure_code ?? '') ? 'settled' : 'released';
  }
  return 'released';
}

function sumWhere(sql: World['sql'], column: 'user_id' | 'guild_id', key: string, from: number, to: number): Promise<number> {
  return sql.value<number>(`SELECT COALESCE(SUM(amount_micros), 0) FROM ledger WHERE ${column} = ? AND period_at >= ? AND period_at < ?`, key, from, to);
}

function activeCount(world: World, userId: string): Promise<number> {
  const list = activeStatuses.map((s) => `'${s}'`).join(', ');
  return world.sql.value<number>(`SELECT COUNT(*) FROM jobs WHERE user_id = ? AND status IN (${list})`, userId);
}

/** Checked right after each `/video` reservation attempt: a yes respects every limit, a no has its reason. */
export async function checkAdmission(world: World, a: { guildId: string; userId: string; estimateMicros: number; now: number; created: CreateJobResult; hadJob: boolean }): Promise<void> {
  const { config, sql } = world;
  const p = utcPeriods(a.now);
  const used = {
    user_daily: await sumWhere(sql, 'user_id', a.userId, p.dayStart, p.dayEnd),
    user_monthly: await sumWhere(sql, 'user_id', a.userId, p.monthStart, p.monthEnd),
    guild_daily: await sumWhere(sql, 'guild_id', a.guildId, p.dayStart, p.dayEnd),
    bot_daily: await sql.value<number>('SELECT COALESCE(SUM(amount_micros), 0) FROM ledger WHERE period_at >= ? AND period_at < ?', p.dayStart, p.dayEnd),
  };
  const limits = {
    user_daily: config.userDailyBudgetMicros, user_monthly: config.userMonthlyBudgetMicros, guild_daily: config.guildDailyBudgetMicros,
    bot_daily: config.botDailyBudgetMicros,
  };
  const created = a.created;
  if (a.hadJob) {
    if (created.ok || created.reason !== 'duplicate') fail(`a replayed interaction made a second job (${JSON.stringify(created.ok ? { id: created.job.id } : created)})`);
    return;
  }
  if (created.ok) {
    for (const scope of ['user_daily', 'user_monthly', 'guild_daily', 'bot_daily'] as const) {
      if (limits[scope] > 0 && used[scope] > limits[scope]) {
        fail(`job #${created.job.id} was reserved although ${scope} spend is now ${used[scope]} > limit ${limits[scope]}`);
      }
    }
    const active = await activeCount(world, a.userId);
    if (active > config.userMaxActiveJobs) fail(`job #${created.job.id} made ${a.userId}'s active jobs ${active} > ${config.userMaxActiveJobs}`);
    return;
  }
  if (created.reason === 'budget') {
    const room = limits[created.scope] - used[created.scope];
    if (a.estimateMicros <= room) fail(`${a.userId} refused for ${created.scope} with ${room} µUSD of room for ${a.estimateMicros}`);
  } else if (created.reason === 'too_many_active') {
    const active = await activeCount(world, a.userId);
    if (active < config.userMaxActiveJobs) fail(`${a.userId} refused as too_many_active with only ${active} active jobs`);
  } else if (created.reason === 'duplicate') {
    fail(`a fresh interaction was refused as a duplicate`);
  }
}

/** Everything that must hold between any two steps, read from the database and the fakes. */
export async function checkInvariants(world: World): Promise<void> {
  const { sql, config, provider, discord } = world;
  const jobs = await sql.all<JobRow>(
    `SELECT id, user_id, guild_id, status, estimate_micros, cost_micros, task_id, result_message_id, created_at,
       parent_job_id, failure_code, confirm_deadline_at, finished_at FROM jobs ORDER BY id`);
  const ledger = await sql.all<LedgerRow>('SELECT job_id, user_id, guild_id, kind, amount_micros, period_at FROM ledger ORDER BY id');
  const rowsOf = new Map<number, LedgerRow[]>();
  for (const row of ledger) rowsOf.set(row.job_id, [...(rowsOf.get(row.job_id) ?? []), row]);

  // 1 + 2: one reserve per job; at most one settle or one release, never both; the ledger agrees with the status.
  const expectedByUser = new Map<string, number>();
  for (const job of jobs) {
    const rows = rowsOf.get(job.id) ?? [];
    const count = (kind: LedgerRow['kind']) => rows.filter((r) => r.kind === kind).length;
    if (count('reserve') !== 1) fail(`job #${job.id} has ${count('reserve')} reserve rows`);
    if (count('settle') > 1 || count('release') > 1) fail(`job #${job.id} was settled ${count('settle')}x and released ${count('release')}x`);
    if (count('settle') + count('release') > 1) fail(`job #${job.id} was both settled and released`);
    const reserve = rows.find((r) => r.kind === 'reserve');
    if (reserve?.amount_micros !== job.estimate_micros) fail(`job #${job.id} reserved ${reserve?.amount_micros} for an estimate of ${job.estimate_micros}`);
    const money = count('settle') ? 'settled' : count('release') ? 'released' : 'held';
    if (money !== expectedMoney(job)) fail(`job #${job.id} is ${job.status} (${job.failure_code}) but its money is ${money}`);
    const settle = rows.find((r) => r.kind === 'settle');
    if (settle && (job.cost_micros === null || settle.amount_micros !== job.cost_micros - job.estimate_micros)) {
      fail(`job #${job.id} settled ${settle.amount_micros} for cost ${job.cost_micros} and estimate ${job.estimate_micros}`);
    }
    const release = rows.find((r) => r.kind === 'release');
    if (release && release.amount_micros !== -job.estimate_micros) fail(`job #${job.id} released ${release.amount_micros} of ${job.estimate_micros}`);
    if (rows.some((r) => r.user_id !== job.user_id || r.guild_id !== job.guild_id || r.period_at !== job.created_at)) {
      fail(`job #${job.id} has ledger rows for another user, guild or period`);
    }
    const charge = money === 'settled' ? (job.cost_micros ?? 0) : money === 'held' ? job.estimate_micros : 0;
    expectedByUser.set(job.user_id, (expectedByUser.get(job.user_id) ?? 0) + charge);
  }
  if (ledger.some((r) => !jobs.some((j) => j.id === r.job_id))) fail('a ledger row has no job');
  for (const [userId, expected] of expectedByUser) {
    const spent = ledger.filter((r) => r.user_id === userId).reduce((total, r) => total + r.amount_micros, 0);
    if (spent !== expected) fail(`${userId}'s ledger sums to ${spent} but their jobs account for ${expected}`);
  }

  // 4: reservations never exceed a budget. Per period (by the job's creation), the ledger minus what the
  // provider billed above an estimate never exceeds the limit: only reservations can push it up.
  const periodSums = new Map<string, { total: number; overrun: number; limit: number }>();
  const add = (key: string, limit: number, row: LedgerRow) => {
    if (limit <= 0) return;
    const entry = periodSums.get(key) ?? { total: 0, overrun: 0, limit };
    entry.total += row.amount_micros;
    if (row.kind === 'settle' && row.amount_micros > 0) entry.overrun += row.amount_micros;
    periodSums.set(key, entry);
  };
  for (const row of ledger) {
    const p = utcPeriods(row.period_at);
    add(`user ${row.user_id} day ${new Date(p.dayStart).toISOString()}`, config.userDailyBudgetMicros, row);
    add(`user ${row.user_id} month ${new Date(p.monthStart).toISOString()}`, config.userMonthlyBudgetMicros, row);
    add(`guild ${row.guild_id} day ${new Date(p.dayStart).toISOString()}`, config.guildDailyBudgetMicros, row);
  }
  for (const [key, { total, overrun, limit }] of periodSums) {
    if (total - overrun > limit) fail(`${key}: ${total} µUSD reserved/spent (${overrun} of it provider overrun) exceeds the limit ${limit}`);
  }
  // Active jobs: 'completed' is excluded because a timed-out job may complete late, after newer jobs were admitted.
  for (const userId of new Set(jobs.map((j) => j.user_id))) {
    const active = jobs.filter((j) => j.user_id === userId && activeStatuses.includes(j.status) && j.status !== 'completed').length;
    if (active > config.userMaxActiveJobs) fail(`${userId} has ${active} active jobs > ${config.userMaxActiveJobs}`);
  }
  const running = jobs.filter((j) => j.status === 'submitting' || j.status === 'submitted').length;
  if (running > config.maxConcurrentJobs) fail(`${running} jobs are at the provider > MAX_CONCURRENT_JOBS ${config.maxConcurrentJobs}`);

  // 3 (provider): only provably refused submits are ever repeated, never before Retry-After; one task per job.
  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (const job of jobs) {
    const calls = provider.submitsForJob(job.id);
    calls.forEach((call, i) => {
      const next = calls[i + 1];
      if (!next) return;
      if (!refusedSubmitModes.includes(call.mode)) {
        fail(`job #${job.id} was submitted again at +${next.at - call.at} ms after a '${call.mode}' submit (answer ${call.answer}); calls: ${calls.map((c) => c.mode).join(', ')}`);
      }
      if (call.retryAfterMs !== null && next.at - call.at < call.retryAfterMs) {
        fail(`job #${job.id} was resubmitted ${next.at - call.at} ms after a 429 with Retry-After ${call.retryAfterMs} ms`);
      }
    });
    const tasks = provider.tasksForJob(job.id);
    if (tasks.length > 1) fail(`job #${job.id} has ${tasks.length} provider tasks`);
    const task = tasks[0];
    if (job.task_id !== null && job.task_id !== task?.id) fail(`job #${job.id} stores task ${job.task_id} but the provider made ${task?.id}`);
    if (task && job.task_id === null && job.status !== 'submitting' && job.status !== 'submit_unknown') {
      fail(`job #${job.id} is ${job.status} without a task id while the provider holds task ${task.id}`);
    }
    if (job.status === 'submit_unknown') {
      const last = calls[calls.length - 1];
      if (!last || !(ambiguousSubmitModes.includes(last.mode) || last.answer === 'pending')) {
        fail(`job #${job.id} is submit_unknown after a '${last?.mode}' submit (answer ${last?.answer}), whose outcome was known`);
      }
    }
  }
  for (const call of provider.submits) if (!byId.has(call.jobId)) fail(`a submit names job #${call.jobId}, which does not exist`);

  // 3 (Discord): at most one result message per job; a delivered job has exactly that one, stored.
  const posts = new Map<number, Set<string>>();
  for (const post of discord.resultPosts) posts.set(post.jobId, (posts.get(post.jobId) ?? new Set()).add(post.messageId));
  for (const [jobId, ids] of posts) {
    const job = byId.get(jobId);
    if (!job) fail(`a result was posted for job #${jobId}, which does not exist`);
    if (ids.size > 1) fail(`job #${jobId} has ${ids.size} result messages (${[...ids].join(', ')})`);
    if (!['completed', 'delivered', 'expired'].includes(job.status)) fail(`job #${jobId} has a result message but is ${job.status}`);
  }
  for (const job of jobs) {
    if (job.status !== 'delivered') continue;
    const ids = posts.get(job.id);
    if (!job.result_message_id) fail(`job #${job.id} is delivered without a result_message_id`);
    if (!ids?.has(job.result_message_id)) fail(`job #${job.id} is delivered as message ${job.result_message_id}, which is not its result post`);
  }
  if (discord.expiredTokenUses.length > 0) fail(`an interaction token was used after 15 minutes: ${discord.expiredTokenUses.join(', ')}`);

  // Jobs end only for a reason: a cancel someone was allowed to make, or a deadline that really passed.
  for (const job of jobs) {
    if (job.status === 'cancelled' && !world.cancelRequested.has(job.id)) fail(`job #${job.id} was cancelled, but nobody allowed to asked`);
    if (job.status === 'expired' && job.failure_code !== 'video_expired' && job.failure_code !== 'undeliverable') {
      if (world.confirmedJobs.has(job.id)) fail(`job #${job.id} expired unconfirmed although its requester confirmed it`);
      if (job.confirm_deadline_at === null || (job.finished_at ?? 0) < job.confirm_deadline_at) {
        fail(`job #${job.id} expired at ${job.finished_at}, before its confirmation deadline ${job.confirm_deadline_at}`);
      }
    }
  }

  // 🔁 bursts: re-rolls of one result closer together than the burst window are one request.
  const children = new Map<number, number[]>();
  for (const job of jobs) if (job.parent_job_id !== null) children.set(job.parent_job_id, [...(children.get(job.parent_job_id) ?? []), job.created_at]);
  for (const [parentId, times] of children) {
    times.sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) {
      if ((times[i] as number) - (times[i - 1] as number) < rerollBurstWindowMs) fail(`job #${parentId} was re-rolled twice within ${rerollBurstWindowMs} ms`);
    }
  }

  if (provider.pollViolations.length > 0) fail(`status polls broke the schedule: ${provider.pollViolations.join('; ')}`);

  // A job waiting for ✅ never outlives its deadline: the expiry timer is armed (again after a restart).
  const now = world.clock.now();
  for (const job of jobs) {
    if (job.status === 'awaiting_confirmation' && job.confirm_deadline_at !== null && now > job.confirm_deadline_at + 1_000) {
      fail(`job #${job.id} still awaits confirmation ${now - job.confirm_deadline_at} ms after its deadline`);
    }
  }

  if (world.unexpectedLogs.length > 0) fail(`a step threw: ${world.unexpectedLogs.join('\n')}`);
}
