import { FakeApimart } from '../test/fakes/fakeApimart.ts';
import { isResultPost, startHarness, videoOptions } from '../test/e2e/harness.ts';
import { percentile, round, sleep, type BenchResult } from './stats.ts';

interface ScheduleRun { statusRequestsPerJob: number; freshnessMs: number[] }

/**
 * Jobs whose real duration varies around the provider's estimate, followed by the bot with the given
 * poll bounds; freshness is provider completion → the result message reaching Discord.
 */
async function runSchedule(jobs: { estimateSec: number; actualMs: number }[], pollEnv: Record<string, string>): Promise<ScheduleRun> {
  const apimart = await FakeApimart.start();
  const h = await startHarness({
    apimart,
    env: {
      ...pollEnv, USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0', USER_MAX_ACTIVE_JOBS: '100000',
      MAX_CONCURRENT_JOBS: '100000', CONFIRM_ABOVE_USD: '0', LOG_LEVEL: 'error',
    },
  });
  const completeAt = new Map<string, number>();
  const userFor = (i: number) => String(1_700_000_000_000_000_000n + BigInt(i));
  for (const [i, job] of jobs.entries()) {
    apimart.setTaskPlan('next', { completeAtMs: Date.now() + job.actualMs, estimatedTimeSec: job.estimateSec });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ prompt: `load ${i}` }), userId: userFor(i) });
    await h.discord.waitFor(() => apimart.tasks.size > i, 10_000);
  }
  for (const task of apimart.tasks.values()) completeAt.set(task.id, task.plan.completeAtMs as number);
  const longest = Math.max(...jobs.map((j) => j.actualMs));
  await h.discord.waitFor(() => h.discord.requests.filter(isResultPost).length >= jobs.length, longest + 120_000);
  await sleep(200);

  const rows = h.db.prepare('SELECT task_id, result_message_id FROM jobs').all() as { task_id: string; result_message_id: string }[];
  const freshnessMs = rows.map((row) => {
    const post = h.discord.requests.find((r) => isResultPost(r) && (r.responseBody as { id?: string } | undefined)?.id === row.result_message_id);
    return (post?.at ?? NaN) - (completeAt.get(row.task_id) as number);
  });
  const statusRequestsPerJob = apimart.polls().length / jobs.length;
  await h.stop();
  await apimart.stop();
  return { statusRequestsPerJob, freshnessMs };
}

export async function measureProviderLoad(jobCount: number, estimateSec: number): Promise<BenchResult[]> {
  // Real durations spread ±25 % around the estimate, the same set for both schedules.
  const jobs = Array.from({ length: jobCount }, (_, i) => ({
    estimateSec, actualMs: Math.round(estimateSec * 1000 * (0.75 + (0.5 * i) / Math.max(1, jobCount - 1))),
  }));
  const [adaptive, fixed] = await Promise.all([
    runSchedule(jobs, { POLL_MIN_INTERVAL_MS: '2000', POLL_MAX_INTERVAL_MS: '30000' }),
    runSchedule(jobs, { POLL_MIN_INTERVAL_MS: '5000', POLL_MAX_INTERVAL_MS: '5000' }),
  ]);
  const adaptiveP95 = percentile(adaptive.freshnessMs, 95);
  return [
    { name: 'status_requests_per_job_adaptive', value: round(adaptive.statusRequestsPerJob, 2), unit: 'requests', goal: `≤ half of fixed 5 s (${round(fixed.statusRequestsPerJob, 2)})`, met: adaptive.statusRequestsPerJob <= fixed.statusRequestsPerJob / 2 },
    { name: 'status_requests_per_job_fixed_5s', value: round(fixed.statusRequestsPerJob, 2), unit: 'requests', goal: 'reference', met: true },
    { name: 'freshness_p95_adaptive', value: round(adaptiveP95), unit: 'ms', goal: '≤ 5000 ms', met: adaptiveP95 <= 5000 },
    { name: 'freshness_p95_fixed_5s', value: round(percentile(fixed.freshnessMs, 95)), unit: 'ms', goal: 'reference', met: true },
  ];
}
