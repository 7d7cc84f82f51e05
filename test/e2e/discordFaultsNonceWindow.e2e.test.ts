import { afterEach, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/clock.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

/** Real time that a test can move forward, with no wait longer than 300 ms. */
function movableClock() {
  let offsetMs = 0;
  const clock: Clock = {
    now: () => systemClock.now() + offsetMs,
    setTimeout: (fn, delayMs) => systemClock.setTimeout(fn, Math.min(delayMs, 300)),
    clearTimeout: systemClock.clearTimeout,
  };
  return { clock, advance: (ms: number) => { offsetMs += ms; } };
}

const channelPost = { method: 'POST', path: /^\/channels\/\d+\/messages$/ };
const isHistoryRead = (r: { method: string; path: string }) => r.method === 'GET' && /^\/channels\/\d+\/messages$/.test(r.path);

it('adopts the result an earlier attempt posted once the nonce can no longer be trusted, instead of posting twice', async () => {
  const time = movableClock();
  h = await startHarness({ appDeps: { clock: time.clock } });
  // Discord posts the result but every answer of the first delivery attempt is lost.
  h.discord.failNext(channelPost, { status: 502, apply: true, times: 4 });
  h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
  await h.discord.waitFor(() => h!.logLines.some((line) => line.includes('"job_delivery_failed"')), 15_000);

  // Ten minutes pass: Discord has forgotten the nonce, so only reading the channel can find the first post.
  time.advance(10 * 60_000);
  h.discord.forgetNonces();
  await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 15_000);

  const results = h.discord.channelMessages().filter((m) => m.attachments.length > 0);
  expect(results).toHaveLength(1);
  expect(h.discord.requests.filter(isResultPost)).toHaveLength(4);
  expect(h.discord.requests.some(isHistoryRead)).toBe(true);
  expect(jobRows(h.db)[0]!.result_message_id).toBe(results[0]!.id);
  expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
});

it('posts the result after a long outage when no earlier attempt reached Discord', async () => {
  const time = movableClock();
  h = await startHarness({ appDeps: { clock: time.clock } });
  h.discord.failNext(channelPost, { status: 502, times: 4 });
  h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
  await h.discord.waitFor(() => h!.logLines.some((line) => line.includes('"job_delivery_failed"')), 15_000);
  time.advance(10 * 60_000);
  await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 15_000);
  expect(h.discord.channelMessages().filter((m) => m.attachments.length > 0)).toHaveLength(1);
  expect(h.discord.requests.filter(isResultPost).map((r) => r.status)).toEqual([502, 502, 502, 502, 200]);
});
