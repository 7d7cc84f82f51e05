import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../../src/clock.ts';
import { nextPollDelayMs, predictedFinishMs, pushSafetyPollMs, type PollSituation } from '../../src/services/jobs/pollSchedule.ts';
import { createProviderModel, type ModelledTask } from '../fakes/fakeProviderModel.ts';

const bounds = { minIntervalMs: 2_000, maxIntervalMs: 30_000 };

/** A job submitted at 0 whose provider estimates 300 s; each test moves only what it is about. */
function situation(overrides: Partial<PollSituation> = {}): PollSituation {
  return { nowMs: 0, submittedAtMs: 0, estimatedTimeSec: 300, progress: 0, consecutiveErrors: 0, ...overrides };
}

const secondsBeforeEta = (s: number) => situation({ nowMs: 300_000 - s * 1_000 });

describe('nextPollDelayMs before the run can have finished', () => {
  it('polls 5 s after submission, before the provider has given any estimate', () => {
    expect(nextPollDelayMs(situation({ estimatedTimeSec: null }), bounds)).toBe(5_000);
  });

  it('polls a task still in the provider queue only every half estimate (capped), since its run takes at least that', () => {
    expect(nextPollDelayMs(situation({ providerQueued: true, estimatedTimeSec: 40, nowMs: 5_000 }), bounds)).toBe(20_000);
    expect(nextPollDelayMs(situation({ providerQueued: true, nowMs: 5_000 }), bounds)).toBe(30_000);
  });

  it.each([
    { name: 'right after submission', s: situation({ nowMs: 5_000 }), delay: 30_000 },
    { name: '20 s before half the estimate', s: situation({ nowMs: 130_000 }), delay: 20_000 },
    { name: '3 s before half the estimate', s: situation({ nowMs: 147_000 }), delay: 3_000 },
  ])('waits $delay ms $name', ({ s, delay }) => {
    expect(nextPollDelayMs(s, bounds)).toBe(delay);
  });

  it('counts half the estimate from the last time the task was seen queued, not from the submission', () => {
    const afterQueue = situation({ estimatedTimeSec: 40, nowMs: 30_000, runStartBoundMs: 25_000 });
    expect(nextPollDelayMs(afterQueue, bounds)).toBe(15_000);
  });

  it('does not let progress (which stalls, jumps and sits at 99) push the next poll out', () => {
    const window = situation({ nowMs: 200_000 });
    expect(nextPollDelayMs({ ...window, progress: 10 }, bounds)).toBe(nextPollDelayMs({ ...window, progress: 99 }, bounds));
  });
});

describe('nextPollDelayMs while the run may finish', () => {
  it('polls every 4 s from half to two and a half times the estimate, then widens slowly up to the maximum', () => {
    const overdueSec = [-600, 0, 10, 60, 120, 300, 3_600];
    const delays = overdueSec.map((s) => nextPollDelayMs(situation({ nowMs: 750_000 + s * 1_000 }), bounds));
    expect(delays.slice(0, 2)).toEqual([4_000, 4_000]);
    expect(delays[2]).toBe(5_000);
    expect(delays[3]).toBe(10_000);
    delays.slice(1).forEach((delay, i) => expect(delay).toBeGreaterThanOrEqual(delays[i]!));
    expect(delays.at(-1)).toBe(30_000);
  });

  it('with push, waits for the callback and polls the finish window less often, as a safety net for a lost one', () => {
    expect(nextPollDelayMs(situation({ nowMs: 200_000, expectsCallback: true }), bounds)).toBe(pushSafetyPollMs);
    const inWindow = situation({ nowMs: 750_000 });
    expect(nextPollDelayMs({ ...inWindow, expectsCallback: true }, bounds)).toBe(1.5 * nextPollDelayMs(inWindow, bounds));
    expect(nextPollDelayMs(situation({ consecutiveErrors: 1, expectsCallback: true }), bounds)).toBe(4_000);
    expect(nextPollDelayMs(situation({ consecutiveErrors: 1, retryAfterMs: 200_000, expectsCallback: true }), bounds)).toBe(200_000);
  });
});

describe('nextPollDelayMs stays within the bounds', () => {
  it('for any elapsed time, progress, estimate and queue state', () => {
    const delays: number[] = [];
    for (const estimatedTimeSec of [null, 1, 60, 300, 3_600]) {
      for (const progress of [0, 4, 5, 33, 99, 100]) {
        for (const providerQueued of [false, true]) {
          for (let nowMs = 0; nowMs <= 2 * 3_600_000; nowMs += 7_001) {
            delays.push(nextPollDelayMs(situation({ estimatedTimeSec, progress, nowMs, providerQueued }), bounds));
          }
        }
      }
    }
    expect(Math.min(...delays)).toBe(bounds.minIntervalMs);
    expect(Math.max(...delays)).toBe(bounds.maxIntervalMs);
    expect(delays.every(Number.isInteger)).toBe(true);
  });
});

describe('predictedFinishMs (the status card ETA)', () => {
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

  it('falls back to a 180 s estimate without one', () => {
    expect(predictedFinishMs(situation({ estimatedTimeSec: null }))).toBe(180_000);
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

/** Polls one modelled provider task (queue, real run of 0.5–2× the estimate, uneven progress) until it is done. */
function simulate(task: ModelledTask, estimatedTimeSec: number, pollBounds = bounds) {
  const clock = createManualClock();
  const finishMs = task.queueMs + task.runMs;
  let polls = 0;
  let progress = 0;
  let known: number | null = null;
  let queue: { queued: boolean; atMs: number } | undefined;
  let detectedAtMs: number | null = null;
  const schedule = () => {
    const s: PollSituation = {
      nowMs: clock.now(), submittedAtMs: 0, estimatedTimeSec: known, progress, consecutiveErrors: 0,
      providerQueued: queue?.queued, runStartBoundMs: queue?.atMs,
    };
    clock.setTimeout(poll, nextPollDelayMs(s, pollBounds));
  };
  const poll = () => {
    polls += 1;
    known = estimatedTimeSec;
    const now = clock.now();
    if (now >= finishMs) {
      detectedAtMs = now;
      return;
    }
    if (now < task.queueMs) queue = { queued: true, atMs: now };
    else if (queue) queue = { queued: false, atMs: queue.atMs };
    progress = now < task.queueMs ? 0 : task.progressAt(now - task.queueMs);
    schedule();
  };
  schedule();
  while (detectedAtMs === null && clock.runNext()) { /* the clock drives the polls */ }
  return { polls, detectionDelayMs: (detectedAtMs ?? Number.NaN) - finishMs };
}

describe('poll schedule over whole jobs from a realistic provider', () => {
  const fixed5s = { minIntervalMs: 5_000, maxIntervalMs: 5_000 };

  it.each([40, 120, 300])('needs no more polls than a fixed 5 s schedule on the same tasks (estimate %i s), and sees each finish within 4 s', (estimateSec) => {
    const model = createProviderModel({ seed: estimateSec });
    let adaptivePolls = 0;
    let fixedPolls = 0;
    for (let i = 0; i < 200; i++) {
      const task = model.task(estimateSec);
      const adaptive = simulate(task, estimateSec);
      const fixed = simulate(task, estimateSec, fixed5s);
      adaptivePolls += adaptive.polls;
      fixedPolls += fixed.polls;
      expect(adaptive.detectionDelayMs).toBeGreaterThanOrEqual(0);
      expect(adaptive.detectionDelayMs).toBeLessThanOrEqual(4_000);
    }
    expect(adaptivePolls).toBeLessThan(fixedPolls);
  });
});
