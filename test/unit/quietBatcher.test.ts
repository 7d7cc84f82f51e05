import { describe, expect, it } from 'vitest';
import { createQuietBatcher } from '../../src/services/jobs/quietBatcher.ts';
import { ManualClock } from '../model/manualClock.ts';

describe('the work that follows a burst of acknowledgements', () => {
  it('waits while commands still wait for their first answer, and no longer than its longest delay', async () => {
    const clock = new ManualClock(0);
    let waiting = 3;
    const ran: number[] = [];
    const batcher = createQuietBatcher(clock.view(), 25, 5_000, () => waiting > 0);
    batcher.add(() => ran.push(clock.now()));
    await clock.advance(1_000);
    expect(ran).toEqual([]);
    waiting = 0;
    await clock.advance(25);
    expect(ran).toHaveLength(1);

    waiting = 1;
    batcher.add(() => ran.push(clock.now()));
    const addedAt = clock.now();
    await clock.advance(6_000);
    expect(ran[1]).toBe(addedAt + 5_000);
  });
});
