import { afterEach, describe, expect, it } from 'vitest';
import { utcPeriods } from '../../src/services/spend/budgetPeriods.ts';
import { validateRecordedRequests } from '../fakes/discordSpec.ts';
import { DEFAULT_USER_ID, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { testEngine } from '../support/testDatabase.ts';
import { eventually, isCallback, isResultPost, jobRowsOf, startHarness, type Harness } from './harness.ts';
import { adminId, answerTo, auditActionsOf, deliveredCountOf, runAdmin, sendVideo } from './spendHelpers.ts';

/** The Estimate field of the job card's embed, in the interaction's first answer. */
const estimateOnCard = (r: RecordedRequest) =>
  (r.body as { data?: { embeds?: { fields?: { name: string; value: string }[] }[] } }).data?.embeds?.[0]?.fields?.find((f) => f.name === 'Estimate')?.value;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const video = () => sendVideo(h!);
const answer = (interaction: { id: string; token: string }) => answerTo(h!, interaction);
const admin = (subcommand: string, options: unknown[] = []) => runAdmin(h!, subcommand, options);
const setDaily = (usd: number) => admin('budget', [{ name: 'user', type: 6, value: DEFAULT_USER_ID }, { name: 'daily_usd', type: 10, value: usd }]);
const deliveredCount = () => deliveredCountOf(h!);
const auditActions = (hh: Harness) => auditActionsOf(hh);

describe(`budgets end to end (${testEngine})`, () => {
  it('lets exactly two of five parallel /video requests through a budget for two, and tells the others what is left', async () => {
    h = await startHarness({ env: { USER_DAILY_BUDGET_USD: '0.6848', USER_MAX_ACTIVE_JOBS: '10' } });
    const interactions = Array.from({ length: 5 }, () => video());
    const answers = await Promise.all(interactions.map(answer));

    // Accepted: the public status reply; refused: an ephemeral explanation. Both answer at once (type 4).
    expect(answers.map((a) => a.type)).toEqual([4, 4, 4, 4, 4]);
    const accepted = answers.filter((a) => (a.flags & 64) === 0);
    const refused = answers.filter((a) => (a.flags & 64) === 64);
    expect(accepted).toHaveLength(2);
    expect(refused).toHaveLength(3);
    const resetsAt = Math.floor(utcPeriods(Date.now()).dayEnd / 1000);
    for (const answer of refused) {
      expect(answer.flags & 64).toBe(64);
      expect(answer.content).toContain('only $0.00 is left of your daily budget');
      expect(answer.content).toContain(`<t:${resetsAt}:R>`);
    }
    await eventually(async () => (await deliveredCount()) === 2, 10_000);
    expect(h.apimart.submits()).toHaveLength(2);
    expect(await jobRowsOf(h)).toHaveLength(2);
    expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  });

  it('shows the estimate while a job waits for confirmation, before anything is sent or settled', async () => {
    h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0.3424' } });
    const interaction = video();
    const status = await answer(interaction);
    expect(status).toMatchObject({ type: 4, flags: 0 });
    const content = status.content;
    expect(estimateOnCard(h.discord.requests.find(isCallback(interaction.id))!)).toBe('$0.3424');
    expect(content).toContain('Waiting for the requester to press Start');
    expect(h.apimart.submits()).toEqual([]);
    expect((await jobRowsOf(h))[0]).toMatchObject({ status: 'awaiting_confirmation', cost_micros: null });
  });

  it('shows the estimate on the status message and the settled cost on the result', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { cost: 0.35 });
    const interaction = video();
    const status = await answer(interaction);
    expect(status).toMatchObject({ type: 4, flags: 0 });
    expect(estimateOnCard(h.discord.requests.find(isCallback(interaction.id))!)).toBe('$0.3424');
    const result = await h.discord.waitForRequest(isResultPost, 10_000);
    expect(h.discord.requests.find(isCallback(interaction.id))!.at).toBeLessThanOrEqual(result.at);
    const fields = (result.body as { embeds: { fields: { name: string; value: string }[] }[] }).embeds[0]!.fields;
    expect(fields.find((f) => f.name === 'Cost')?.value).toBe('$0.35');
    await eventually(async () => (await deliveredCount()) === 1);
    expect((await jobRowsOf(h))[0]).toMatchObject({ estimate_micros: 342_400, cost_micros: 350_000 });
  });

  it("follows an owner's override that raises and then lowers the daily limit", async () => {
    // Above the configured ceiling, so only a bot owner may raise it (see trustMoney for a server admin).
    h = await startHarness({ env: { USER_DAILY_BUDGET_USD: '0.3424', USER_MAX_ACTIVE_JOBS: '10', OWNER_USER_IDS: adminId } });
    expect(await answer(video())).toMatchObject({ type: 4, flags: 0 });
    const refused = await answer(video());
    expect(refused.content).toContain('only $0.00 is left of your daily budget');

    const raised = await setDaily(1);
    expect(raised.content).toContain(`<@${DEFAULT_USER_ID}>`);
    expect(raised.content).toContain('daily $1.00 (override)');
    expect(raised.allowedMentions).toEqual({ parse: [] });
    expect(await answer(video())).toMatchObject({ type: 4, flags: 0 });

    await setDaily(0.5);
    const lowered = await answer(video());
    expect(lowered.type).toBe(4);
    expect(lowered.content).toContain('only $0.00 is left of your daily budget');

    const cleared = await admin('budget', [{ name: 'user', type: 6, value: DEFAULT_USER_ID }, { name: 'clear', type: 5, value: true }]);
    expect(cleared.content).toContain('back on the default limits');
    expect(await h.app.store.spend.budgetOverride(h.discord.guildId, DEFAULT_USER_ID)).toBeUndefined();

    await eventually(async () => (await deliveredCount()) === 2, 10_000);
    expect(h.apimart.submits()).toHaveLength(2);
    expect(await auditActions(h)).toEqual(['budget_set', 'budget_set', 'budget_clear']);
    const detail = await h.sql.value<string>("SELECT detail FROM audit_log WHERE action = 'budget_set' ORDER BY id DESC LIMIT 1");
    expect(JSON.parse(detail)).toEqual({ before: { dailyMicros: 1_000_000, monthlyMicros: null }, after: { dailyMicros: 500_000, monthlyMicros: null }, aboveCeiling: true });
    expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  });

  it('rejects an amount below zero without changing the override', async () => {
    h = await startHarness();
    const answer = await setDaily(-1);
    expect(answer.content).toContain('`daily_usd` must be a USD amount of 0 or more');
    expect(await h.app.store.spend.budgetOverride(h.discord.guildId, DEFAULT_USER_ID)).toBeUndefined();
    expect(await auditActions(h)).toEqual([]);
  });

  it('refuses new jobs while paused, still delivers the running one, and accepts again after resume', async () => {
    h = await startHarness({ env: { USER_MAX_ACTIVE_JOBS: '10' } });
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    expect(await answer(video())).toMatchObject({ type: 4, flags: 0 });
    await eventually(async () => (await jobRowsOf(h!))[0]?.status === 'submitted');

    expect((await admin('pause')).content).toContain('Paused');
    const refused = await answer(video());
    expect(refused).toMatchObject({ type: 4 });
    expect(refused.content).toContain('paused in this server');

    const [taskId] = [...h.apimart.tasks.keys()];
    h.apimart.completeTask(taskId as string);
    await h.discord.waitForRequest(isResultPost, 10_000);
    await eventually(async () => (await jobRowsOf(h!))[0]?.status === 'delivered');

    expect((await admin('resume')).content).toContain('Resumed');
    expect(await answer(video())).toMatchObject({ type: 4, flags: 0 });
    await eventually(async () => (await deliveredCount()) === 2, 10_000);
    expect(h.apimart.submits()).toHaveLength(2);
    expect(await auditActions(h)).toEqual(['pause', 'resume']);
    expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  });
});
