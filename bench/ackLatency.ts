import { botBurst, floorBurst, type BotRun, type BurstRun } from './ackBurst.ts';
import { global429Result } from './discordLimits.ts';
import { median, percentile, round, type BenchResult } from './stats.ts';

const spread = (values: number[]) => `${round(Math.min(...values), 2)}–${round(Math.max(...values), 2)}`;
/** The CPU goal needs enough pairs for its median to hold still; with fewer it is reported only. */
const pairsForCpuGoal = 5;
/** Discord's deadline leaves the floor's worst case this much room before a member would notice. */
const slackOverFloorMs = 500;
/** After the watch, how long the changes it saw may take to be shown before they count as never shown. */
const catchUpMs = 30_000;
/** A status change shown within this, at a thousand jobs in one channel. */
const stalenessGoalMs = 6_000;

export interface AckPlan { size: number; pairs: number }

/**
 * Floor and bot interleaved (floor, bot, floor, bot, …), so a change in the machine's load hits both.
 * The goal is on client CPU per acknowledged command (median of the pairs' ratios), which stays put
 * on a shared machine; wall-clock ratios are reported beside it.
 */
export async function measureAckLatency(plans: AckPlan[], watchMs: number, firstStatusSize: number): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const largest = Math.max(...plans.map((p) => p.size));
  for (const { size, pairs } of plans) {
    const floors: BurstRun[] = [];
    const bots: BotRun[] = [];
    const watched = size === largest || size === firstStatusSize;
    for (let pair = 0; pair < pairs; pair++) {
      floors.push(await floorBurst(size));
      bots.push(await botBurst(size, watched ? watchMs : 1_000, watched ? { catchUpMs } : {}));
    }
    results.push(...ackResults(size, floors, bots), ...(size === firstStatusSize ? [firstStatusResult(size, floors, bots)] : []));
    if (watched) results.push(...stalenessResults(size, bots, size === largest && size > firstStatusSize));
    const checks = bots.map((b) => b.ledger as BenchResult);
    results.push({ ...checks[0]!, name: `ledger_mismatched_members_ack_${size}`, value: checks.reduce((n, c) => n + c.value, 0), met: checks.every((c) => c.met) });
  }
  return results;
}

function ackResults(size: number, floors: BurstRun[], bots: BotRun[]): BenchResult[] {
  const pairs = bots.length;
  const p = (runs: BurstRun[], q: number) => median(runs.map((r) => percentile(r.ackMs, q)));
  const cpu = (runs: BurstRun[]) => median(runs.map((r) => r.cpuPerCommandMs));
  const cpuRatios = bots.map((b, i) => b.cpuPerCommandMs / Math.max(0.001, (floors[i] as BurstRun).cpuPerCommandMs));
  const p99Ratios = bots.map((b, i) => percentile(b.ackMs, 99) / Math.max(1, percentile((floors[i] as BurstRun).ackMs, 99)));
  const cpuBeside = `client CPU ${round(cpu(bots), 3)} ms/command, floor ${round(cpu(floors), 3)}`;
  const judged = pairs >= pairsForCpuGoal;
  const cpuRatio = median(cpuRatios);
  const maxOf = (runs: BurstRun[]) => Math.max(...runs.flatMap((r) => r.ackMs));
  const ourMax = maxOf(bots);
  const floorMax = maxOf(floors);
  const routeLimited = bots.reduce((n, b) => n + b.limits.route429, 0);
  const unanswered = bots.reduce((n, b) => n + b.unanswered, 0);
  return [
    {
      name: `ack_cpu_ratio_burst_${size}`, value: round(cpuRatio, 2), unit: '× floor', met: !judged || cpuRatio <= 1.3,
      goal: `${judged ? '≤ 1.3' : `informational (judged with ${pairsForCpuGoal} pairs)`}: client CPU per acknowledged command, median of ${pairs} pairs (spread ${spread(cpuRatios)}); wall-clock p99 ratio ${round(median(p99Ratios), 2)} (spread ${spread(p99Ratios)})`,
    },
    { name: `ack_cpu_per_command_burst_${size}`, value: round(cpu(bots), 3), unit: 'ms', goal: `informational (floor ${round(cpu(floors), 3)} ms; medians of ${pairs} runs)`, met: true },
    { name: `ack_p99_ratio_burst_${size}`, value: round(median(p99Ratios), 2), unit: '× floor', goal: `informational: wall clock, swings with the machine's load (spread ${spread(p99Ratios)}; CPU ratio ${round(cpuRatio, 2)})`, met: true },
    { name: `ack_p99_burst_${size}`, value: round(p(bots, 99)), unit: 'ms', goal: `informational (floor p99 ${round(p(floors, 99))} ms; ${cpuBeside}; medians of ${pairs} runs)`, met: true },
    { name: `ack_p50_burst_${size}`, value: round(p(bots, 50)), unit: 'ms', goal: `informational (floor p50 ${round(p(floors, 50))} ms; ${cpuBeside})`, met: true },
    { name: `ack_max_burst_${size}`, value: round(ourMax), unit: 'ms', goal: `≤ floor max + ${slackOverFloorMs} ms (${round(floorMax + slackOverFloorMs)}; ${cpuBeside})`, met: ourMax <= floorMax + slackOverFloorMs },
    {
      name: `ack_unanswered_burst_${size}`, value: unanswered, unit: 'commands', invariant: true, met: unanswered === 0,
      goal: `0 of ${pairs} × ${size}, Discord's 3 s deadline enforced (${bots.map((b) => b.failures).join('; ')}; floor: ${floors.reduce((n, f) => n + f.unanswered, 0)} unanswered)`,
    },
    {
      name: `discord_429_provoked_burst_${size}`, value: routeLimited, unit: 'responses', met: routeLimited === 0,
      goal: `0 (rate limits enforced; ${pairs} runs)${routeLimited ? `; on ${[...new Set(bots.flatMap((b) => b.limits.routes))].join(', ')}` : ''}`,
    },
    global429Result(`burst_${size}`, bots.map((b) => b.limits), pairs),
  ];
}

/** The first status a member sees (the card) against the floor's bare deferral, which shows nothing. */
function firstStatusResult(size: number, floors: BurstRun[], bots: BotRun[]): BenchResult {
  const first = median(bots.map((b) => percentile(b.firstStatusMs, 95)));
  const floorP95 = median(floors.map((f) => percentile(f.ackMs, 95)));
  return { name: `first_status_p95_burst_${size}`, value: round(first), unit: 'ms', goal: `≤ floor ack p95 + ${slackOverFloorMs} ms (${round(floorP95 + slackOverFloorMs)})`, met: first <= floorP95 + slackOverFloorMs };
}

/**
 * Staleness of every job's card through the watch, the changes never shown counted as never shown;
 * beyond a thousand jobs the goal allows for how fast Discord's edits can go: all the jobs, one edit
 * each, at the edit rate the bot achieved.
 */
function stalenessResults(size: number, bots: BotRun[], allowForRate: boolean): BenchResult[] {
  const all = bots.map((b) => b.staleness).filter((s) => s !== undefined);
  const p95 = percentile(all.flatMap((s) => s.stalenessMs), 95);
  const neverShown = all.reduce((n, s) => n + s.neverShown, 0);
  const changes = all.reduce((n, s) => n + s.changes, 0);
  const rate = median(all.map((s) => s.editsPerSecond));
  const goalMs = allowForRate ? Math.max(stalenessGoalMs, (size / Math.max(0.001, rate)) * 1000) : stalenessGoalMs;
  return [
    {
      name: `status_staleness_p95_burst_${size}`, value: round(p95), unit: 'ms', met: p95 <= goalMs,
      goal: `≤ ${round(goalMs)} ms (${allowForRate ? `max(6 s, ${size} jobs ÷ ${round(rate)} edits/s achieved)` : 'in one channel'}; ${changes} changes in ${all.length} runs, ${neverShown} never shown within ${catchUpMs / 1000} s after the watch)`,
    },
    { name: `status_changes_never_shown_burst_${size}`, value: neverShown, unit: 'changes', goal: `0 of ${changes}`, met: neverShown === 0 },
    { name: `status_edit_rate_burst_${size}`, value: round(rate), unit: 'edits/s', goal: 'informational (status edits that reached Discord during the watch; median of runs)', met: true },
  ];
}
