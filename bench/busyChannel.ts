import { FakeApimart } from '../test/fakes/fakeApimart.ts';
import { FakeDiscord, type RecordedRequest } from '../test/fakes/fakeDiscord.ts';
import { isResultPost, startHarness, videoOptions } from '../test/e2e/harness.ts';
import { round, sleep, type BenchResult } from './stats.ts';

interface Planned { channelId: string; completeInMs: number }
interface Run { latencyMs: Map<string, number[]>; spanMs: Map<string, number> }

const userFor = (i: number) => String(1_700_000_000_000_000_000n + BigInt(i));

/**
 * Real bot, fake Discord with Discord's per-channel reaction limit (4 writes a second). Each job's
 * task completes at a planned moment; latency runs from the poll that tells the bot so to its result
 * message reaching Discord.
 */
async function run(plan: Planned[], channels: string[]): Promise<Run> {
  const discord = await FakeDiscord.start({ channelIds: channels });
  const apimart = await FakeApimart.start();
  const h = await startHarness({
    discord, apimart, ownsFakes: false,
    env: {
      USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0', USER_MAX_ACTIVE_JOBS: '100000',
      MAX_CONCURRENT_JOBS: '100000', CONFIRM_ABOVE_USD: '0', LOG_LEVEL: 'error',
      POLL_MIN_INTERVAL_MS: '500', POLL_MAX_INTERVAL_MS: '1000',
    },
  });
  const start = Date.now() + 2_000;
  for (const [i, job] of plan.entries()) {
    apimart.setTaskPlan('next', { completeAtMs: start + job.completeInMs, estimatedTimeSec: 1 });
    discord.sendCommand({ name: 'video', channelId: job.channelId, options: videoOptions({ prompt: `busy ${i}` }), userId: userFor(i) });
    await discord.waitFor(() => apimart.tasks.size > i, 10_000);
  }
  const last = Math.max(...plan.map((p) => p.completeInMs));
  const delivered = h.db.prepare("SELECT COUNT(*) FROM jobs WHERE status = 'delivered'").pluck();
  await discord.waitFor(() => (delivered.get() as number) >= plan.length, last + 120_000);

  const rows = h.db.prepare('SELECT task_id, channel_id, result_message_id FROM jobs').all() as { task_id: string; channel_id: string; result_message_id: string }[];
  const postOf = (id: string) => discord.requests.find((r: RecordedRequest) => isResultPost(r) && (r.responseBody as { id?: string } | undefined)?.id === id);
  const latencyMs = new Map<string, number[]>();
  const firstDone = new Map<string, number>();
  const lastPost = new Map<string, number>();
  for (const row of rows) {
    const done = apimart.tasks.get(row.task_id)?.plan.completeAtMs as number;
    // From the poll that told the bot the task was done: the poll schedule is not what is measured here.
    const learnedAt = apimart.polls(row.task_id).find((r) => r.at >= done)?.at ?? NaN;
    const postedAt = postOf(row.result_message_id)?.at ?? NaN;
    latencyMs.set(row.channel_id, [...(latencyMs.get(row.channel_id) ?? []), postedAt - learnedAt]);
    firstDone.set(row.channel_id, Math.min(firstDone.get(row.channel_id) ?? Infinity, done));
    lastPost.set(row.channel_id, Math.max(lastPost.get(row.channel_id) ?? 0, postedAt));
  }
  const spanMs = new Map([...lastPost].map(([channel, at]) => [channel, at - (firstDone.get(channel) as number)]));
  await sleep(100);
  await h.stop();
  await discord.stop();
  await apimart.stop();
  return { latencyMs, spanMs };
}

const max = (values: number[] | undefined) => Math.max(...(values ?? [NaN]));

/**
 * `busyCount` results in channel A within about half a minute (each with three reactions, plus the
 * status ones, against four reaction writes a second), while five results land in channel B; B's
 * latency is compared with the same five results when A is idle.
 */
export async function measureBusyChannel(busyCount: number): Promise<BenchResult[]> {
  const [a, b] = ['1300000000000000001', '1300000000000000002'];
  const quiet: Planned[] = [10_000, 15_000, 20_000, 25_000, 30_000].map((completeInMs) => ({ channelId: b as string, completeInMs }));
  const busy: Planned[] = Array.from({ length: busyCount }, (_, i) => ({ channelId: a as string, completeInMs: 3_000 + Math.round((30_000 * i) / busyCount) }));
  const idle = await run(quiet, [a as string, b as string]);
  const loaded = await run([...busy, ...quiet], [a as string, b as string]);
  const idleMax = max(idle.latencyMs.get(b as string));
  const busyMax = max(loaded.latencyMs.get(b as string));
  const span = loaded.spanMs.get(a as string) ?? NaN;
  return [
    { name: `busy_channel_${busyCount}_results_span`, value: round(span / 1000), unit: 's', goal: '≤ 60 s', met: span <= 60_000 },
    { name: 'other_channel_result_latency_max_idle', value: round(idleMax), unit: 'ms', goal: 'reference', met: true },
    { name: 'other_channel_result_latency_max_busy', value: round(busyMax), unit: 'ms', goal: `≤ idle + 1000 ms (${round(idleMax + 1000)})`, met: busyMax <= idleMax + 1000 },
  ];
}
