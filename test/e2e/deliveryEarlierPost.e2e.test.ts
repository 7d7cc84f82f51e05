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
const videoDownloads = (harness: Harness) => harness.apimart.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/files/'));

it('finds the post whose answer was lost when the retry comes after the link expired, instead of calling it expired', async () => {
  const time = movableClock();
  h = await startHarness({ appDeps: { clock: time.clock } });
  // Discord posts the result but every answer of the first delivery attempt is lost.
  h.discord.failNext(channelPost, { status: 502, apply: true, times: 4 });
  h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
  await h.discord.waitFor(() => h!.logLines.some((line) => line.includes('"job_delivery_failed"')), 15_000);
  const expiresAt = h.db.prepare('SELECT video_expires_at FROM jobs WHERE id = 1').pluck().get() as number;

  // The retry runs after the link's expiry (a long outage, a restart after downtime).
  time.advance(expiresAt - time.clock.now() + 60 * 60_000);
  h.discord.forgetNonces();
  await h.discord.waitFor(() => jobRows(h!.db)[0]?.status !== 'completed', 15_000);

  const results = h.discord.channelMessages().filter((m) => m.attachments.length > 0);
  expect(results).toHaveLength(1);
  expect(jobRows(h.db)[0]).toMatchObject({ status: 'delivered', result_message_id: results[0]!.id, failure_code: null });
  expect(h.discord.requests.filter(isResultPost)).toHaveLength(4);
  expect(videoDownloads(h)).toHaveLength(1);
  expect(h.logLines.some((line) => line.includes('"job_video_expired"'))).toBe(false);
  expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
});
