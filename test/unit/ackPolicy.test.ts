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
      ack.done();
      t.now += 1_000;
    }
  });

  it('answers at once an interaction already 1.5 s older than usual, whatever the clocks’ difference', () => {
    const t = { now: 1_800_000_000_000 };
    const policy = createAckPolicy(clockAt(t));
    // This host's clock runs 4 s ahead of Discord's: every interaction looks 4 s old, which is the usual.
    policy.begin(snowflakeAt(t.now - 4_080)).done();
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
    for (const ack of acks) ack.done();
    expect(policy.begin(snowflakeAt(t.now - 50, 100)).answerAtOnce).toBe(false);
  });
});
