import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import {
  createShardSupervisor, identifyReserve, restartDelayMs, type SessionStartLimit, type SupervisedProcess,
} from '../../src/sharding/shardSupervisor.ts';
import { ManualClock } from '../model/manualClock.ts';

const t0 = Date.UTC(2026, 11, 7, 12);
const hour = 60 * 60_000;

/** A shard process whose starts fail `failures` times, then succeed; it records when each start came. */
function fakeProcess(clock: ManualClock, failures: number) {
  const starts: number[] = [];
  let kills = 0;
  const process: SupervisedProcess = {
    id: 1,
    identifiesPerStart: 1,
    start: async () => {
      starts.push(clock.now() - t0);
      if (starts.length <= failures) throw new Error('ShardingReadyDied');
    },
    kill: () => void (kills += 1),
  };
  return { process, starts, kills: () => kills };
}

function setup(opts: { limits?: (SessionStartLimit | Error)[] } = {}) {
  const clock = new ManualClock(t0);
  const lines: { event: string; [key: string]: unknown }[] = [];
  const logger = createLogger({ level: 'debug', secrets: [], write: (l) => lines.push(JSON.parse(l) as { event: string }), now: () => clock.now() });
  const limits = opts.limits ?? [];
  let reads = 0;
  const supervisor = createShardSupervisor({
    clock: clock.view(), logger, random: () => 0.5,
    readSessionStartLimit: async () => {
      const next = limits[Math.min(reads++, limits.length - 1)] ?? { total: 1_000, remaining: 900, resetAfterMs: hour };
      if (next instanceof Error) throw next;
      return next;
    },
  });
  return { clock, supervisor, lines, events: (name: string) => lines.filter((l) => l.event === name) };
}

describe('restart backoff', () => {
  it('doubles from 2 s with each failed attempt, half of it random, up to 5 minutes', () => {
    expect([0, 1, 2, 3].map((attempt) => restartDelayMs(attempt, 0))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect([0, 1, 2, 3].map((attempt) => restartDelayMs(attempt, 0.999_999))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(restartDelayMs(40, 0.5)).toBe(225_000);
  });

  it('keeps back a twentieth of the day\'s session starts, at least 10', () => {
    expect(identifyReserve(1_000)).toBe(50);
    expect(identifyReserve(100)).toBe(10);
    expect(identifyReserve(2_000)).toBe(100);
  });
});

describe('the shard process supervisor', () => {
  it('restarts a process that died, after a backoff that grows with each start that fails, and stops once it is up', async () => {
    const s = setup();
    const p = fakeProcess(s.clock, 2);
    s.supervisor.died(p.process);
    await s.clock.advance(60_000);
    // 1.5 s, then 3 s after that, then 6 s after that (equal jitter at 0.5).
    expect(p.starts).toEqual([1_500, 4_500, 10_500]);
    expect(p.kills()).toBe(2);
    expect(s.events('shard_process_restart_failed').map((e) => e.attempt)).toEqual([1, 2]);
    expect(s.events('shard_process_restarted')).toHaveLength(1);
  });

  it('restarts once for deaths that arrive while a restart is under way (they are that restart\'s own)', async () => {
    const s = setup();
    const p = fakeProcess(s.clock, 1);
    s.supervisor.died(p.process);
    s.supervisor.died(p.process);
    await s.clock.advance(1_500);
    s.supervisor.died(p.process);
    await s.clock.advance(60_000);
    expect(p.starts).toEqual([1_500, 4_500]);
  });

  it('keeps the longer delay for a process that dies again soon after a restart, and starts over for one that ran 10 minutes', async () => {
    const s = setup();
    const p = fakeProcess(s.clock, 0);
    s.supervisor.died(p.process);
    await s.clock.advance(1_500);
    s.supervisor.died(p.process);
    await s.clock.advance(60_000);
    expect(p.starts).toEqual([1_500, 1_500 + 3_000]);
    await s.clock.advance(10 * 60_000);
    const before = s.clock.now() - t0;
    s.supervisor.died(p.process);
    await s.clock.advance(60_000);
    expect(p.starts.at(-1)).toBe(before + 1_500);
  });

  it('stops restarting, loudly, while the day\'s session starts are within the reserve, and restarts once Discord renews them', async () => {
    const s = setup({ limits: [{ total: 1_000, remaining: 50, resetAfterMs: hour }, { total: 1_000, remaining: 1_000, resetAfterMs: 24 * hour }] });
    const p = fakeProcess(s.clock, 0);
    s.supervisor.died(p.process);
    await s.clock.advance(30 * 60_000);
    expect(p.starts).toEqual([]);
    expect(s.events('shard_restarts_stopped')).toMatchObject([{ level: 'error', remaining: 50, total: 1_000, reserve: 50, resumesInMs: hour }]);
    await s.clock.advance(hour);
    expect(p.starts).toHaveLength(1);
    expect(p.starts[0]).toBeGreaterThanOrEqual(1_500 + hour);
  });

  it('spends no IDENTIFY while it cannot read the budget: that attempt counts as failed', async () => {
    const s = setup({ limits: [new Error('GET /gateway/bot: 500'), { total: 1_000, remaining: 900, resetAfterMs: hour }] });
    const p = fakeProcess(s.clock, 0);
    s.supervisor.died(p.process);
    await s.clock.advance(60_000);
    expect(p.starts).toEqual([1_500 + 3_000]);
    expect(s.events('shard_restart_budget_unknown')).toHaveLength(1);
  });

  it('leaves a process that failed its first start to the restart loop, and restarts nothing once stopped', async () => {
    const s = setup();
    const p = fakeProcess(s.clock, 1);
    expect(await s.supervisor.start(p.process)).toBe(false);
    expect(s.events('shard_process_start_failed')).toHaveLength(1);
    await s.clock.advance(60_000);
    expect(p.starts).toEqual([0, 1_500]);
    s.supervisor.stop();
    s.supervisor.died(p.process);
    await s.clock.advance(60_000);
    expect(p.starts).toHaveLength(2);
  });
});
