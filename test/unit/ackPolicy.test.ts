import { describe, expect, it } from 'vitest';
import { createAckPolicy } from '../../src/commands/ackPolicy.ts';

const discordEpochMs = 1_420_070_400_000;
const snowflakeAt = (ms: number, n = 0) => String((BigInt(ms - discordEpochMs) << 22n) + BigInt(n));
const clockAt = (t: { now: number }) => ({ now: () => t.now, setTimeout: () => ({ id: null }), clearTimeout: () => undefined });

describe('when a command is answered at once', () => {
  it('answers a command with its card while the bot keeps up', () => {
    const t = { now: 1_800_000_000_000 };
    const policy = createAckPolicy(clockAt(t));
    for (let i = 0; i < 10; i++) {
      const ack = policy.begin(snowflakeAt(t.now - 80, i));
      expect(ack.answerAtOnce).toBe(false);
      ack.answered();
      t.now += 1_000;
    }
  });

  it('answers at once an interaction already 1.5 s older than usual, whatever the clocks’ difference', () => {
    const t = { now: 1_800_000_000_000 };
    const policy = createAckPolicy(clockAt(t));
    // This host's clock runs 4 s ahead of Discord's: every interaction looks 4 s old, which is the usual.
    policy.begin(snowflakeAt(t.now - 4_080)).answered();
    t.now += 100;
    expect(policy.begin(snowflakeAt(t.now - 4_900)).answerAtOnce).toBe(false);
    expect(policy.begin(snowflakeAt(t.now - 5_700)).answerAtOnce).toBe(true);
  });

  it('answers at once once 64 commands wait for their first answer, and with the cards again when they are answered', () => {
    const t = { now: 1_800_000_000_000 };
    const policy = createAckPolicy(clockAt(t));
    const acks = Array.from({ length: 64 }, (_, i) => policy.begin(snowflakeAt(t.now - 50, i)));
    expect(acks.every((a) => !a.answerAtOnce)).toBe(true);
    expect(policy.begin(snowflakeAt(t.now - 50, 99)).answerAtOnce).toBe(true);
    for (const ack of acks) ack.answered();
    expect(policy.begin(snowflakeAt(t.now - 50, 100)).answerAtOnce).toBe(false);
  });
});

describe('a deferred command’s own work', () => {
  /** A clock whose timers fire when the test moves it. */
  function manualClock(start: number) {
    let now = start;
    const timers = new Set<{ at: number; fn: () => void }>();
    return {
      now: () => now,
      setTimeout: (fn: () => void, delayMs: number) => {
        const timer = { at: now + delayMs, fn };
        timers.add(timer);
        return { id: timer };
      },
      clearTimeout: (handle: { id: unknown }) => void timers.delete(handle.id as { at: number; fn: () => void }),
      advance(ms: number) {
        now += ms;
        for (const timer of [...timers]) if (timer.at <= now) (timers.delete(timer), timer.fn());
      },
    };
  }
  const settled = async (promise: Promise<void>) => {
    let done = false;
    void promise.then(() => { done = true; });
    await new Promise((resolve) => setImmediate(resolve));
    return done;
  };

  it('waits until every command of the crowd has its first answer, so that no deferral queues behind a card', async () => {
    const clock = manualClock(1_800_000_000_000);
    const policy = createAckPolicy(clock);
    const crowd = Array.from({ length: 70 }, (_, i) => policy.begin(snowflakeAt(clock.now() - 50, i)));
    const deferred = crowd.filter((a) => a.answerAtOnce);
    expect(deferred).toHaveLength(6);
    deferred[0]!.answered();
    const held = deferred[0]!.crowdAnswered();
    for (const ack of crowd.slice(0, 69)) ack.answered();
    expect(await settled(held)).toBe(false);
    crowd[69]!.answered();
    // The burst may still be arriving: a deferred command within the quiet moment keeps the work held.
    clock.advance(40);
    const another = policy.begin(snowflakeAt(clock.now() - 3_000, 70));
    expect(another.answerAtOnce).toBe(true);
    clock.advance(40);
    expect(await settled(held)).toBe(false);
    another.answered();
    clock.advance(49);
    expect(await settled(held)).toBe(false);
    clock.advance(1);
    expect(await settled(held)).toBe(true);
  });

  it('goes ahead after the quiet moment when the other commands arriving are answered with their cards', async () => {
    const clock = manualClock(1_800_000_000_000);
    const policy = createAckPolicy(clock);
    policy.begin(snowflakeAt(clock.now() - 50, 0)).answered();
    const late = policy.begin(snowflakeAt(clock.now() - 3_000, 1));
    expect(late.answerAtOnce).toBe(true);
    late.answered();
    const held = late.crowdAnswered();
    // One command every 40 ms, each answered within 10 ms: light traffic, no crowd.
    for (let i = 0; i < 2; i++) {
      const ack = policy.begin(snowflakeAt(clock.now() - 50, 2 + i));
      expect(ack.answerAtOnce).toBe(false);
      clock.advance(10);
      ack.answered();
      clock.advance(30);
    }
    expect(await settled(held)).toBe(true);
  });

  it('goes ahead after 5 s when commands keep arriving faster than they are answered', async () => {
    const clock = manualClock(1_800_000_000_000);
    const policy = createAckPolicy(clock);
    const crowd = Array.from({ length: 65 }, (_, i) => policy.begin(snowflakeAt(clock.now() - 50, i)));
    const late = crowd[64]!;
    expect(late.answerAtOnce).toBe(true);
    late.answered();
    const held = late.crowdAnswered();
    clock.advance(4_999);
    expect(await settled(held)).toBe(false);
    clock.advance(1);
    expect(await settled(held)).toBe(true);
  });

  it('waits only a moment when nothing else waits for an answer, and counts a command answered only once', async () => {
    const clock = manualClock(1_800_000_000_000);
    const policy = createAckPolicy(clock);
    const ack = policy.begin(snowflakeAt(clock.now() - 50));
    ack.answered();
    ack.answered();
    expect(policy.waiting()).toBe(0);
    const held = ack.crowdAnswered();
    clock.advance(50);
    expect(await settled(held)).toBe(true);
  });
});

describe('commands still to be shown', () => {
  it('counts a deferred command until its card is shown, though its first answer has gone', () => {
    const t = { now: 1_800_000_000_000 };
    const policy = createAckPolicy(clockAt(t));
    const ack = policy.begin(snowflakeAt(t.now - 5_000));
    ack.answered();
    expect(policy.waiting()).toBe(0);
    expect(policy.unfinished()).toBe(1);
    ack.done();
    ack.done();
    expect(policy.unfinished()).toBe(0);
  });
});
