import { createServer } from 'node:net';
import { FakeApimart } from '../test/fakes/fakeApimart.ts';
import type { CallbackFates } from '../test/fakes/fakeCallbackFaults.ts';
import { isResultPost, startHarness, videoOptions } from '../test/e2e/harness.ts';
import { percentile, round, sleep, type BenchResult } from './stats.ts';

interface ScheduleRun { statusRequestsPerJob: number; freshnessMs: number[]; callbacks?: CallbackFates }

/** A provider that behaves like one: queueing, 0.5–2× run times, uneven progress, some 429s and 5xx. */
const providerModel = { seed: 20_261_202, rateLimitChance: 0.03, serverErrorChance: 0.01 };
/** Its callbacks cross a network that loses one in ten, delays one in ten by 1–5 s and repeats one in ten. */
const callbackFaults = { seed: 20_261_207, loseChance: 0.1, delayChance: 0.1, duplicateChance: 0.1, delayMs: [1_000, 5_000] as [number, number] };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `jobCount` jobs on the modelled provider (the same seed, so every run gets the same tasks), followed
 * by the bot with the given settings. Freshness is the provider finishing a task → the result message
 * reaching Discord; status requests count every GET /v1/tasks, refused ones included.
 */
async function runSchedule(jobCount: number, estimateSec: number, env: Record<string, string>, push = false): Promise<ScheduleRun> {
  const apimart = await FakeApimart.start();
  apimart.useProviderModel(providerModel);
  const callbacks = push ? apimart.useCallbackFaults(callbackFaults) : undefined;
  apimart.defaults.estimatedTimeSec = estimateSec;
  const h = await startHarness({
    apimart,
    env: {
      ...env, USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0', USER_MAX_ACTIVE_JOBS: '100000',
      MAX_CONCURRENT_JOBS: '100000', CONFIRM_ABOVE_USD: '0', LOG_LEVEL: 'error',
    },
  });
  const userFor = (i: number) => String(1_700_000_000_000_000_000n + BigInt(i));
  for (let i = 0; i < jobCount; i++) {
    h.discord.sendCommand({ name: 'video', options: videoOptions({ prompt: `load ${i}` }), userId: userFor(i) });
    await h.discord.waitFor(() => apimart.tasks.size > i, 10_000);
  }
  const completeAt = new Map([...apimart.tasks.values()].map((t) => [t.id, t.plan.completeAtMs as number]));
  const lastFinish = Math.max(...completeAt.values());
  await h.discord.waitFor(() => h.discord.requests.filter(isResultPost).length >= jobCount, lastFinish - Date.now() + 180_000);
  await sleep(200);

  const rows = h.db.prepare('SELECT task_id, result_message_id FROM jobs').all() as { task_id: string; result_message_id: string }[];
  const freshnessMs = rows.map((row) => {
    const post = h.discord.requests.find((r) => isResultPost(r) && (r.responseBody as { id?: string } | undefined)?.id === row.result_message_id);
    return (post?.at ?? NaN) - (completeAt.get(row.task_id) as number);
  });
  const statusRequestsPerJob = apimart.polls().length / jobCount;
  await h.stop();
  await apimart.stop();
  return { statusRequestsPerJob, freshnessMs, callbacks };
}

export async function measureProviderLoad(jobCount: number, estimateSec: number): Promise<BenchResult[]> {
  const port = await freePort();
  // The two polling runs share the process (their goal is seconds); push runs alone, since its
  // sub-second goal would otherwise measure the other bots' event-loop time rather than its own.
  const [polling, fixed] = await Promise.all([
    runSchedule(jobCount, estimateSec, { POLL_MIN_INTERVAL_MS: '2000', POLL_MAX_INTERVAL_MS: '30000' }),
    runSchedule(jobCount, estimateSec, { POLL_MIN_INTERVAL_MS: '5000', POLL_MAX_INTERVAL_MS: '5000' }),
  ]);
  const push = await runSchedule(jobCount, estimateSec, {
    POLL_MIN_INTERVAL_MS: '2000', POLL_MAX_INTERVAL_MS: '30000',
    PUBLIC_WEBHOOK_URL: `http://127.0.0.1:${port}`, WEBHOOK_LISTEN_PORT: String(port),
  }, true);
  const fates = push.callbacks as CallbackFates;
  const pushFaults = `${fates.lost} callbacks lost, ${fates.delayed} delayed 1–5 s, ${fates.duplicated} sent twice, ${fates.delivered} on time`;
  const p95 = (run: ScheduleRun) => percentile(run.freshnessMs, 95);
  const fixedRequests = round(fixed.statusRequestsPerJob, 2);
  return [
    { name: 'status_requests_per_job_polling', value: round(polling.statusRequestsPerJob, 2), unit: 'requests', goal: `≤ fixed 5 s (${fixedRequests})`, met: polling.statusRequestsPerJob <= fixed.statusRequestsPerJob },
    { name: 'freshness_p95_polling', value: round(p95(polling)), unit: 'ms', goal: '≤ 5000 ms', met: p95(polling) <= 5000 },
    { name: 'status_requests_per_job_fixed_5s', value: fixedRequests, unit: 'requests', goal: 'reference', met: true },
    { name: 'freshness_p95_fixed_5s', value: round(p95(fixed)), unit: 'ms', goal: 'reference', met: true },
    // Push earns its place by delivering most results at once, at fewer requests than polling and no
    // worse a 95th percentile, with the callbacks a real network loses and delays.
    {
      name: 'status_requests_per_job_push', value: round(push.statusRequestsPerJob, 2), unit: 'requests',
      goal: `< polling's (${round(polling.statusRequestsPerJob, 2)}; ${pushFaults})`, met: push.statusRequestsPerJob < polling.statusRequestsPerJob,
    },
    { name: 'freshness_p95_push', value: round(p95(push)), unit: 'ms', goal: `≤ 5000 ms, as polling (${pushFaults})`, met: p95(push) <= 5000 },
    { name: 'freshness_p50_push', value: round(percentile(push.freshnessMs, 50)), unit: 'ms', goal: '≤ 1000 ms', met: percentile(push.freshnessMs, 50) <= 1000 },
  ];
}
