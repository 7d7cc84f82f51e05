import { describe, expect, it } from 'vitest';
import { createChannelEditLimits } from '../../src/services/status/channelEditLimits.ts';
import { createEditPace } from '../../src/services/status/editPace.ts';

/** Drives the pace as the status updater does: an edit whenever one may leave, for `ms`. */
function editsWithin(pace: ReturnType<typeof createEditPace>, clock: { t: number }, ms: number): number {
  const end = clock.t + ms;
  let edits = 0;
  while (clock.t < end) {
    const wait = pace.waitMs();
    if (wait > 0) clock.t += wait;
    else {
      pace.take();
      edits++;
    }
  }
  return edits;
}

describe('the pace of status edits', () => {
  it('lets about 200 edits a second leave, in bursts of a fifth of a second at most', () => {
    const clock = { t: 0 };
    const pace = createEditPace(() => clock.t);
    expect(editsWithin(pace, clock, 10_000)).toBeGreaterThanOrEqual(1_990);
    expect(editsWithin(pace, clock, 10_000)).toBeLessThanOrEqual(2_000 + 40);
  });

  it('halves the rate on a 429, and climbs back a little each second without one', () => {
    const clock = { t: 0 };
    const pace = createEditPace(() => clock.t);
    pace.limited({ retryAfterMs: 1_000, scope: 'user' });
    expect(pace.perSecond()).toBe(100);
    pace.limited({ retryAfterMs: 1_000, scope: 'user' });
    expect(pace.perSecond()).toBe(50);
    clock.t += 3_000;
    expect(pace.perSecond()).toBe(80);
    clock.t += 60_000;
    expect(pace.perSecond()).toBe(200);
  });

  it('never goes below its floor however many 429s come', () => {
    const clock = { t: 0 };
    const pace = createEditPace(() => clock.t);
    for (let i = 0; i < 20; i++) pace.limited({ retryAfterMs: 100, scope: 'user' });
    expect(pace.perSecond()).toBe(5);
    expect(editsWithin(pace, clock, 1_000)).toBeGreaterThanOrEqual(4);
  });

  it('lets nothing leave until Retry-After has passed when the limit is a shared one', () => {
    const clock = { t: 0 };
    const pace = createEditPace(() => clock.t);
    pace.limited({ retryAfterMs: 2_500, scope: 'shared' });
    expect(pace.waitMs()).toBe(2_500);
    clock.t += 2_500;
    expect(pace.waitMs()).toBeGreaterThanOrEqual(0);
    expect(pace.waitMs()).toBeLessThan(100);
  });
});

describe('the bot-token edits of one channel', () => {
  it('takes five per five seconds in a channel, and each channel apart', () => {
    const clock = { t: 0 };
    const limits = createChannelEditLimits(() => clock.t);
    for (let i = 0; i < 5; i++) {
      expect(limits.waitMs('A')).toBe(0);
      limits.take('A');
      clock.t += 100;
    }
    expect(limits.waitMs('A')).toBe(4_500);
    expect(limits.waitMs('B')).toBe(0);
    clock.t += 4_500;
    expect(limits.waitMs('A')).toBe(0);
  });
});
