import { afterEach, describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/money.ts';
import { testEngine } from '../support/testDatabase.ts';
import { checkAndStop, eventually, jobRowsOf, ledgerRowsOf, startHarness, videoOptions, type Harness } from './harness.ts';
import { logEvents } from './requestViews.ts';
import { runAdmin } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const noLimits = { CONFIRM_ABOVE_USD: '0', USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0' };

async function deliveredJobs(harness: Harness, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const before = (await jobRowsOf(harness)).length;
    harness.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    await eventually(async () => (await jobRowsOf(harness))[before]?.status === 'delivered', 10_000);
  }
}

/** One job settled with no reported cost (at its estimate, which the test then knows), and the model it used. */
async function estimateOfOneJob(harness: Harness): Promise<{ estimateMicros: number; model: string }> {
  harness.apimart.setTaskPlan('next', { cost: null });
  await deliveredJobs(harness, 1);
  const model = (harness.apimart.submits()[0]!.body as { model: string }).model;
  return { estimateMicros: (await jobRowsOf(harness))[0]!.estimate_micros, model };
}

describe(`money follows the price rule (${testEngine})`, () => {
  it('settles at the reported cost, logs the difference, and the report says the price table looks out of date once costs drift', async () => {
    h = await startHarness({ env: noLimits });
    const { estimateMicros, model } = await estimateOfOneJob(h);
    expect((await runAdmin(h, 'report')).content).not.toContain('price table');

    const costMicros = Math.round(estimateMicros * 1.25);
    h.apimart.defaults.cost = costMicros / 1e6;
    await deliveredJobs(h, 5);
    expect((await jobRowsOf(h)).slice(1).map((j) => j.cost_micros)).toEqual(Array(5).fill(costMicros));
    expect((await ledgerRowsOf(h)).filter((r) => r.kind === 'settle').slice(1).map((r) => r.amount_micros)).toEqual(Array(5).fill(costMicros - estimateMicros));
    const completed = logEvents(h, 'job_completed').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(completed[0]).toMatchObject({ costReported: false, costMinusEstimateMicros: 0 });
    expect(completed[5]).toMatchObject({ costReported: true, estimateMicros, costMicros, costMinusEstimateMicros: costMicros - estimateMicros });

    const report = (await runAdmin(h, 'report')).content;
    expect(report).toContain('⚠️ **The price table looks out of date**: what the video service billed differs from the estimates.');
    expect(report).toContain(`\`${model}\`: ${formatUsd(5 * costMicros)} billed against ${formatUsd(5 * estimateMicros)} estimated over its last 5 jobs (+25%).`);
  });

  it('says nothing about prices while the reported costs stay within 10% of the estimates', async () => {
    h = await startHarness({ env: noLimits });
    const { estimateMicros } = await estimateOfOneJob(h);
    h.apimart.defaults.cost = Math.round(estimateMicros * 1.05) / 1e6;
    await deliveredJobs(h, 5);
    expect((await runAdmin(h, 'report')).content).not.toContain('price table');
  });
});
