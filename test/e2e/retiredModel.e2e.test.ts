import { afterEach, describe, expect, it } from 'vitest';
import { registeredMentions } from './commandMentions.ts';
import { checkAndStop, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { logEvents } from './requestViews.ts';
import { answerTo, auditActions, runAdmin } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const retired = 'sora-2-pro-preview';
const videoWith = (model?: string) => answerTo(h!, h!.discord.sendCommand({ name: 'video', options: videoOptions({ model }) }));
const statusOf = (id: number) => jobRows(h!.db).find((j) => j.id === id)?.status;

describe('a model the provider says no longer exists', () => {
  it('is turned off after three such answers in a row, refused before reserving, and back on with /video-admin resume', async () => {
    h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0', USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0' } });
    h.apimart.models.delete(retired);
    for (let n = 1; n <= 3; n++) {
      expect(await videoWith(retired)).toMatchObject({ type: 4, flags: 0 });
      await h.discord.waitFor(() => statusOf(n) === 'failed', 10_000);
    }
    expect(jobRows(h.db).map((j) => j.failure_code)).toEqual(['model_retired', 'model_retired', 'model_retired']);
    const turnedOff = logEvents(h, 'model_turned_off');
    expect(turnedOff).toHaveLength(1);
    expect(JSON.parse(turnedOff[0]!)).toMatchObject({ level: 'error', model: retired, consecutiveAnswers: 3 });

    const ledgerBefore = ledgerRows(h.db).length;
    const refused = await videoWith(retired);
    expect(refused.type).toBe(4);
    expect(refused.flags & 64).toBe(64);
    expect(refused.content).toBe(`The model \`${retired}\` is turned off: the video service said several times in a row that it no longer exists. Choose another model; an admin can turn it back on with ${registeredMentions(h.discord)('video-admin', 'resume')}.`);
    expect(jobRows(h.db)).toHaveLength(3);
    expect(ledgerRows(h.db)).toHaveLength(ledgerBefore);
    expect(h.apimart.submits()).toHaveLength(3);

    // Other models are unaffected, and the admins see what is off.
    expect(await videoWith()).toMatchObject({ type: 4, flags: 0 });
    await h.discord.waitFor(() => statusOf(4) === 'delivered', 10_000);
    expect((await runAdmin(h, 'status')).content).toContain(`Models turned off (the provider said they no longer exist): \`${retired}\` since <t:`);

    const resumed = await runAdmin(h, 'resume');
    expect(resumed.content).toContain(`Turned back on: \`${retired}\`.`);
    expect(auditActions(h)).toEqual(['status', 'resume', 'models_turned_on']);
    expect(logEvents(h, 'model_turned_on')).toHaveLength(1);
    expect((await runAdmin(h, 'status')).content).toContain('Models turned off: none.');
    h.apimart.models.add(retired);
    expect(await videoWith(retired)).toMatchObject({ type: 4, flags: 0 });
    await h.discord.waitFor(() => statusOf(5) === 'delivered', 10_000);
  });

  it('fails jobs already queued for it without sending them once it is turned off', async () => {
    h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0', USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0', MAX_CONCURRENT_JOBS: '1', USER_MAX_ACTIVE_JOBS: '10' } });
    h.apimart.models.delete(retired);
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => videoWith(retired)));
    // All five accepted: public replies (type 4, not ephemeral) that already show their status.
    expect(answers.map((a) => [a.type, a.flags & 64])).toEqual([[4, 0], [4, 0], [4, 0], [4, 0], [4, 0]]);
    await h.discord.waitFor(() => jobRows(h!.db).every((j) => j.status === 'failed'), 10_000);
    expect(h.apimart.submits()).toHaveLength(3);
    expect(jobRows(h.db).map((j) => j.failure_code)).toEqual(Array(5).fill('model_retired'));
    expect(ledgerRows(h.db).filter((r) => r.kind === 'release')).toHaveLength(5);
    expect(logEvents(h, 'job_model_turned_off')).toHaveLength(2);
  });

  it('counts only consecutive answers: an accepted submit in between starts the count again', async () => {
    h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0', USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0' } });
    const order: boolean[] = [false, false, true, false, false];
    for (const [i, available] of order.entries()) {
      if (available) h.apimart.models.add(retired);
      else h.apimart.models.delete(retired);
      expect(await videoWith(retired)).toMatchObject({ type: 4, flags: 0 });
      await h.discord.waitFor(() => ['failed', 'delivered'].includes(statusOf(i + 1) ?? ''), 10_000);
    }
    expect(logEvents(h, 'model_turned_off')).toEqual([]);
    expect(await videoWith(retired)).toMatchObject({ type: 4, flags: 0 });
  });
});
