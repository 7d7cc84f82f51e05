import type { Clock, TimerHandle } from '../../src/clock.ts';
import type { PendingCalls } from './pendingCalls.ts';

interface Timer { at: number; seq: number; fn: () => void; owner: ClockView }

/** Lets every promise chain that is not waiting on a timer run to its end. */
export async function settle(hops = 3): Promise<void> {
  for (let i = 0; i < hops; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A clock that only moves when told to. Timers belong to a view (one per simulated process), so a
 * crash can drop every timer of the dead process at once while time goes on for the next one.
 */
export class ManualClock {
  private t: number;
  private seq = 0;
  /** Sorted by (at, seq). */
  private queue: Timer[] = [];
  /** Guards against a step that re-arms itself with no delay forever. */
  maxTimersPerAdvance = 20_000;

  /** `storeCalls`: store calls that answer in real time (PostgreSQL), waited for whenever promises settle. */
  constructor(start: number, private readonly storeCalls?: PendingCalls) {
    this.t = start;
  }

  /** Lets every promise chain run to its end, including those waiting on a store call's answer. */
  async settle(): Promise<void> {
    for (;;) {
      await settle();
      if (!this.storeCalls?.busy) return;
      await this.storeCalls.idle();
    }
  }

  now(): number {
    return this.t;
  }

  /** A Clock for one process; `kill()` drops its timers and ignores any it would set later. */
  view(): ClockView {
    return new ClockView(this);
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.t + Math.max(0, ms);
    await this.settle();
    for (let fired = 0; ; fired++) {
      const next = this.queue[0];
      if (!next || next.at > target) break;
      if (fired >= this.maxTimersPerAdvance) {
        throw new Error(`timer storm: more than ${this.maxTimersPerAdvance} timers fired in one advance of ${ms} ms`);
      }
      this.queue.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await this.settle();
    }
    this.t = target;
    await this.settle();
  }

  /** Live timers, for diagnostics. */
  pending(): number {
    return this.queue.length;
  }

  /** @internal */
  add(owner: ClockView, fn: () => void, delayMs: number): Timer {
    // Like Node, a fractional delay fires on the next whole millisecond: now() stays an integer.
    const delay = Number.isFinite(delayMs) ? Math.max(0, Math.ceil(delayMs)) : 0;
    const timer: Timer = { at: this.t + delay, seq: this.seq++, fn, owner };
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.queue[mid] as Timer;
      if (other.at < timer.at || (other.at === timer.at && other.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, timer);
    return timer;
  }

  /** @internal */
  remove(timer: Timer): void {
    const index = this.queue.indexOf(timer);
    if (index >= 0) this.queue.splice(index, 1);
  }

  /** @internal */
  dropOwner(owner: ClockView): void {
    this.queue = this.queue.filter((timer) => timer.owner !== owner);
  }
}

export class ClockView implements Clock {
  alive = true;
  constructor(private readonly clock: ManualClock) {}

  now(): number {
    return this.clock.now();
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    if (!this.alive) return { id: null };
    return { id: this.clock.add(this, fn, delayMs) };
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle.id) this.clock.remove(handle.id as Timer);
  }

  kill(): void {
    this.alive = false;
    this.clock.dropOwner(this);
  }
}
