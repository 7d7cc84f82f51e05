import { describe, expect, it } from 'vitest';
import { createChannelEditLimits } from '../../src/services/status/channelEditLimits.ts';
import { createEditPace } from '../../src/services/status/editPace.ts';
import { createStatusPump, type PreparedEdit } from '../../src/services/status/statusPump.ts';
import { ManualClock } from '../model/manualClock.ts';

/**
 * A pump whose jobs 1–99 edit through their interaction token, 100–199 edit their card with the bot
 * token in channel "C", and 200 and up post a new card there.
 */
function pumpWith(clockStart = 1_000_000) {
  const clock = new ManualClock(clockStart);
  const view = clock.view();
  const sent: { jobId: number; at: number }[] = [];
  let putBack = 0;
  const pump = createStatusPump({
    clock: view, pace: createEditPace(() => view.now()), channelLimits: createChannelEditLimits(() => view.now()), maxInFlight: 1_000,
    readEdit: async (jobId): Promise<PreparedEdit> => ({
      channelRoute: jobId >= 200 ? 'post C' : jobId >= 100 ? 'edit C' : undefined,
      send: async () => void sent.push({ jobId, at: view.now() }),
      putBack: () => void putBack++,
    }),
  });
  return { clock, pump, sent, putBacks: () => putBack };
}

describe('the pace of the status pump', () => {
  it('sends interaction-token edits at about 200 a second', async () => {
    const { clock, pump, sent } = pumpWith();
    for (let jobId = 1; jobId <= 99; jobId++) pump.add(jobId);
    await clock.advance(100);
    // A fifth of a second's worth at once, then the pace: about 40 + 20 in the first 100 ms.
    expect(sent.length).toBeGreaterThanOrEqual(40);
    expect(sent.length).toBeLessThanOrEqual(62);
    await clock.advance(1_000);
    expect(sent).toHaveLength(99);
  });

  it('holds bot-token edits within five per five seconds in their channel, in the order they came', async () => {
    const { clock, pump, sent } = pumpWith();
    for (let jobId = 100; jobId < 112; jobId++) pump.add(jobId);
    await clock.advance(4_999);
    expect(sent.map((s) => s.jobId)).toEqual([100, 101, 102, 103, 104]);
    await clock.advance(10_001);
    expect(sent.map((s) => s.jobId)).toEqual(Array.from({ length: 12 }, (_, i) => 100 + i));
    for (let i = 5; i < sent.length; i++) expect(sent[i]!.at - sent[i - 5]!.at).toBeGreaterThanOrEqual(5_000);
  });

  it('lets interaction edits past a channel whose bot-token edits wait', async () => {
    const { clock, pump, sent } = pumpWith();
    for (let jobId = 100; jobId < 110; jobId++) pump.add(jobId);
    pump.add(1);
    await clock.advance(10);
    expect(sent.map((s) => s.jobId)).toContain(1);
  });

  it('posts a new card in a channel whose edits wait for their bucket', async () => {
    const { clock, pump, sent } = pumpWith();
    for (let jobId = 100; jobId < 110; jobId++) pump.add(jobId);
    pump.add(200);
    await clock.advance(10);
    expect(sent.map((s) => s.jobId)).toEqual([100, 101, 102, 103, 104, 200]);
  });
});
