import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../../src/clock.ts';
import { nextPollDelayMs, predictedFinishMs, type PollSituation } from '../../src/services/jobs/pollSchedule.ts';

const bounds = { minIntervalMs: 2_000, maxIntervalMs: 30_000 };

/** A job submitted at 0 whose provider estimates 300 s; each test moves only what it is about. */
function situation(overrides: Partial<PollSituation> = {}): PollSituation {
  return { nowMs: 0, submittedAtMs: 0, estimatedTimeSec: 300, progress: 0, consecutiveErrors: 0, ...overrides };
}

const secondsBeforeEta = (s: number) => situation({ nowMs: 300_000 - s * 1_000 });

describe('nextPollDelayMs before the predicted finish', () => {
  it('polls 5 s after submission, before the provider has given any estimate', () => {
    expect(nextPollDelayMs(situation({ estimatedTimeSec: null }), bounds)).toBe(5_000);
  });

  it.each([
    { name: 'right after submission', s: situation(), delay: 30_000 },
    { name: '100 s before the ETA', s: secondsBeforeEta(100), delay: 30_000 },
    { name: '40 s before the ETA', s: secondsBeforeEta(40), delay: 28_000 },
    { name: '20 s before the ETA', s: secondsBeforeEta(20), delay: 14_000 },
    { name: '10 s before the ETA', s: secondsBeforeEta(10), delay: 10_500 },
    { name: '3 s before the ETA', s: secondsBeforeEta(3), delay: 3_500 },
    { name: 'at the ETA', s: secondsBeforeEta(0), delay: 3_000 },
  ])('waits $delay ms $name', ({ s, delay }) => {
    expect(nextPollDelayMs(s, bounds)).toBe(delay);
  });

  it('refines far from the finish, then lands just after the predicted finish', () => {
    const landing = (secondsLeft: number) => secondsLeft * 1_000 + nextPollDelayMs(secondsBeforeEta(secondsLeft), bounds) * -1;
    expect(nextPollDelayMs(secondsBeforeEta(30), bounds)).toBe(21_000);
    for (const secondsLeft of [9, 5, 2.5]) expect(landing(secondsLeft)).toBe(-500);
  });

  it('falls back to a 180 s estimate once polled without one', () => {
    expect(predictedFinishMs(situation({ estimatedTimeSec: null }))).toBe(180_000);
    expect(nextPollDelayMs(situation({ estimatedTimeSec: null, progress: 1, nowMs: 175_000 }), bounds)).toBe(5_500);
  });
});

describe('nextPollDelayMs once overdue', () => {
  it('polls every few seconds, widening slowly, and never beyond the maximum', () => {
    const overdueSec = [0.1, 10, 60, 120, 300, 600, 3_600];
    const delays = overdueSec.map((s) => nextPollDelayMs(situation({ nowMs: 300_000 + s * 1_000 }), bounds));
    expect(delays[0]).toBe(3_010);
    expect(delays[1]).toBe(4_000);
    expect(delays[2]).toBe(9_000);
    delays.slice(1).forEach((delay, i) => expect(delay).toBeGreaterThanOrEqual(delays[i]!));
    expect(delays.at(-1)).toBe(30_000);
  });
});

describe('nextPollDelayMs stays within the bounds', () => {
  it('for any elapsed time, progress and estimate', () => {
    const delays: number[] = [];
    for (const estimatedTimeSec of [null, 1, 60, 300, 3_600]) {
      for (const progress of [0, 4, 5, 33, 99, 100]) {
        for (let nowMs = 0; nowMs <= 2 * 3_600_000; nowMs += 7_001) {
          delays.push(nextPollDelayMs(situation({ estimatedTimeSec, progress, nowMs }), bounds));
        }
      }
    }
    expect(Math.min(...delays)).toBe(bounds.minIntervalMs);
    expect(Math.max(...delays)).toBe(bounds.maxIntervalMs);
    expect(delays.every(Number.isInteger)).toBe(true);
  });
});

describe('predictedFinishMs', () => {
  it.each([
    { name: 'uses the estimate before any progress', progress: 0, nowMs: 60_000, finish: 300_000 },
    { name: 'ignores progress below 5 %', progress: 4, nowMs: 60_000, finish: 300_000 },
    { name: 'extrapolates from 5 % progress', progress: 5, nowMs: 6_000, finish: 120_000 },
    { name: 'extrapolates a job running faster than estimated', progress: 50, nowMs: 60_000, finish: 120_000 },
    { name: 'extrapolates a job running slower than estimated', progress: 50, nowMs: 200_000, finish: 400_000 },
    { name: 'falls back to the estimate at 100 %', progress: 100, nowMs: 60_000, finish: 300_000 },
  ])('$name', ({ progress, nowMs, finish }) => {
    expect(predictedFinishMs(situation({ progress, nowMs }))).toBe(finish);
  });

  it('lets progress override the estimate when deciding the next poll', () => {
    expect(nextPollDelayMs(situation({ nowMs: 60_000, progress: 50 }), bounds)).toBe(30_000);
    expect(nextPollDelayMs(situation({ nowMs: 100_000, progress: 90 }), bounds)).toBe(7_778);
  });
});

describe('nextPollDelayMs after errors', () => {
  it.each([
    [1, 4_000], [2, 8_000], [3, 16_000], [4, 30_000], [10, 30_000], [50, 30_000],
  ])('backs off exponentially after %i consecutive errors: %i ms', (consecutiveErrors, delay) => {
    expect(nextPollDelayMs(situation({ consecutiveErrors }), bounds)).toBe(delay);
  });

  it('honours a Retry-After longer than the backoff, even beyond the maximum interval', () => {
    expect(nextPollDelayMs(situation({ consecutiveErrors: 1, retryAfterMs: 45_000 }), bounds)).toBe(45_000);
  });

  it('keeps the backoff when Retry-After is shorter', () => {
    expect(nextPollDelayMs(situation({ consecutiveErrors: 2, retryAfterMs: 1_000 }), bounds)).toBe(8_000);
  });
});

/** A clock whose timers fire only when the test advances it. */
function createManualClock(): Clock & { runNext(): boolean } {
  let nowMs = 0;
  let nextId = 0;
  const timers: { id: number; at: number; fn: () => void }[] = [];
  return {
    now: () => nowMs,
    setTimeout(fn, delayMs) {
      const timer = { id: nextId++, at: nowMs + delayMs, fn };
      timers.push(timer);
      return { id: timer.id };
    },
    clearTimeout(handle: TimerHandle) {
      const index = timers.findIndex((t) => t.id === handle.id);
      if (index >= 0) timers.splice(index, 1);
    },
    runNext() {
      timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const timer = timers.shift();
      if (!timer) return false;
      nowMs = timer.at;
      timer.fn();
      return true;
    },
  };
}

/** Polls a simulated provider task with linear progress until it reports completion. */
function simulate(realDurationSec: number, estimatedTimeSec: number) {
  const clock = createManualClock();
  const realMs = realDurationSec * 1_000;
  let polls = 0;
  let progress = 0;
  let detectedAtMs: number | null = null;
  const schedule = () => {
    const s: PollSituation = { nowMs: clock.now(), submittedAtMs: 0, estimatedTimeSec, progress, consecutiveErrors: 0 };
    clock.setTimeout(poll, nextPollDelayMs(s, bounds));
  };
  const poll = () => {
    polls += 1;
    if (clock.now() >= realMs) {
      detectedAtMs = clock.now();
      return;
    }
    progress = Math.floor((clock.now() * 100) / realMs);
    schedule();
  };
  schedule();
  while (detectedAtMs === null && clock.runNext()) { /* the clock drives the polls */ }
  return { polls, detectionDelayMs: (detectedAtMs ?? Number.NaN) - realMs };
}

describe('poll schedule over a whole job', () => {
  it('finds a 300 s job with at most half the polls of a fixed 5 s schedule, within 5 s of completion', () => {
    const fixedSchedulePolls = 300 / 5;
    const { polls, detectionDelayMs } = simulate(300, 300);
    expect(polls).toBeLessThanOrEqual(fixedSchedulePolls / 2);
    expect(detectionDelayMs).toBeGreaterThanOrEqual(0);
    expect(detectionDelayMs).toBeLessThanOrEqual(5_000);
  });

  it.each([
    { name: 'slower than the estimate', realSec: 420, estimatedSec: 300 },
    { name: 'faster than the estimate', realSec: 200, estimatedSec: 300 },
  ])('still notices completion within 5 s when the job runs $name', ({ realSec, estimatedSec }) => {
    const { polls, detectionDelayMs } = simulate(realSec, estimatedSec);
    expect(polls).toBeLessThanOrEqual(realSec / 5 / 2);
    expect(detectionDelayMs).toBeLessThanOrEqual(5_000);
  });
});
