import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/clock.ts';
import type { RecordedRequest } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { contentOf, channelPosts, statusEdits, logEvents, videoDownloads } from './requestViews.ts';
import { runAdmin } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const kinds = (hh: Harness) => ledgerRows(hh.db).map((r) => r.kind);
const firstJob = (hh: Harness) => jobRows(hh.db)[0];
const waitStatus = (hh: Harness, status: string) => hh.discord.waitFor(() => firstJob(hh)?.status === status, 10_000);

/** The system clock, plus however far a test moves it ahead; its timers stay real. */
function movableClock(): Clock & { advance(ms: number): void } {
  let aheadMs = 0;
  return { ...systemClock, now: () => Date.now() + aheadMs, advance: (ms) => void (aheadMs += ms) };
}

describe('an expired result link', () => {
  it('marks a video whose expires_at has passed as expired without downloading it; it stays settled', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { expiresAtSec: Math.floor(Date.now() / 1000) - 60 });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 'expired');
    expect(firstJob(h)!.failure_code).toBe('video_expired');
    expect(kinds(h)).toEqual(['reserve', 'settle']);
    await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('its link expired'));
    expect(videoDownloads(h)).toHaveLength(0);
    expect(h.discord.requests.some(isResultPost)).toBe(false);
  });

  it('tries a dead link once, marks the job expired, and does not retry it after a restart', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 'submitted');
    const taskId = firstJob(h)!.task_id!;
    h.apimart.expireVideo(taskId);
    h.apimart.completeTask(taskId);
    await waitStatus(h, 'expired');
    expect(videoDownloads(h).map((r) => r.status)).toEqual([403]);
    expect(kinds(h)).toEqual(['reserve', 'settle']);
    await h.discord.waitForRequest((r) => statusEdits(h!).includes(r) && contentOf(r).includes('link expired before I could post it'));
    await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('its link expired'));

    h = await h.restart();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(videoDownloads(h)).toHaveLength(1);
    expect(firstJob(h)!.status).toBe('expired');
    expect(h.discord.requests.some(isResultPost)).toBe(false);
  });
});

describe('JOB_TIMEOUT_MINUTES', () => {
  it('times out a task that never finishes, holds the reservation, and still settles and delivers a late result once', async () => {
    const clock = movableClock();
    h = await startHarness({ env: { JOB_TIMEOUT_MINUTES: '1' }, appDeps: { clock } });
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 'submitted');
    await h.discord.waitFor(() => h!.apimart.polls().length >= 1);
    clock.advance(61_000);
    await waitStatus(h, 'timed_out');

    expect(kinds(h)).toEqual(['reserve']);
    await h.discord.waitForRequest((r) => statusEdits(h!).includes(r) && contentOf(r).includes('No result after 1 minute.'));
    const report = await runAdmin(h, 'report', [{ name: 'period', type: 3, value: 'today' }]);
    expect(report.content).toMatch(/`#1` <@\d+> · timed out · \$0\.428 reserved · task `task_/);
    // Still polled for a late answer.
    const pollsAtTimeout = h.apimart.polls().length;
    await h.discord.waitFor(() => h!.apimart.polls().length > pollsAtTimeout);

    h.apimart.completeTask(firstJob(h)!.task_id!);
    await waitStatus(h, 'delivered');
    expect(kinds(h)).toEqual(['reserve', 'settle']);
    expect(h.discord.requests.filter(isResultPost)).toHaveLength(1);
    expect(await h.app.store.jobsNeedingAttention(h.discord.guildId)).toEqual([]);
  });

  it('stops polling a timed-out task after the late window, keeping its reservation for the admins', async () => {
    const clock = movableClock();
    h = await startHarness({ env: { JOB_TIMEOUT_MINUTES: '1' }, appDeps: { clock } });
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 'submitted');
    clock.advance(61_000);
    await waitStatus(h, 'timed_out');
    clock.advance(25 * 60 * 60_000);
    await h.discord.waitFor(() => logEvents(h!, 'job_late_polling_stopped').length === 1);
    const polls = h.apimart.polls().length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.apimart.polls()).toHaveLength(polls);
    expect(firstJob(h)!.status).toBe('timed_out');
    expect(kinds(h)).toEqual(['reserve']);
    expect((await h.app.store.jobsNeedingAttention(h.discord.guildId)).map((j) => j.id)).toEqual([1]);
  });
});
