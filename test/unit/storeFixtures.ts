import { expect } from 'vitest';
import type { Job } from '../../src/db/job.ts';
import type { BudgetWindow, JobStore, NewJob } from '../../src/db/jobStore.ts';
import { utcPeriods } from '../../src/services/spend/budgetPeriods.ts';
import type { TestSql } from '../support/testSql.ts';
import { sampleJob } from '../../bench/sampleJob.ts';

export const guildId = '100000000000000001';
export const estimateMicros = 400_000;

/** No limits unless a test sets them: each test states only the limit it is about. */
export function budgetWindow(now: number, limits: Partial<Omit<BudgetWindow, 'now'>> = {}): BudgetWindow {
  return {
    now, ...utcPeriods(now),
    userDailyMicros: 0, userMonthlyMicros: 0, guildDailyMicros: 0, botDailyMicros: 0, userMaxActiveJobs: 0,
    ...limits,
  };
}

let originCounter = 0;

export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  originCounter += 1;
  return {
    originKey: `interaction-${originCounter}`,
    guildId,
    channelId: '200000000000000002',
    userId: 'user-a',
    locale: 'en-US',
    applicationId: '300000000000000003',
    interactionToken: 'token',
    interactionAt: 0,
    attachmentSizeLimit: 10 * 1024 * 1024,
    ...sampleJob('a fox in the snow'),
    imageName: null,
    estimateMicros,
    needsConfirmation: false,
    confirmDeadlineAt: null,
    ...overrides,
  };
}

/** Creates a job that must be accepted, and returns it. */
export async function createAccepted(store: JobStore, now: number, overrides: Partial<NewJob> = {}, limits: Partial<Omit<BudgetWindow, 'now'>> = {}): Promise<Job> {
  const result = await store.createJob(newJob(overrides), budgetWindow(now, limits));
  if (!result.ok) throw new Error(`job was not accepted: ${JSON.stringify(result)}`);
  return result.job;
}

export interface LedgerRow { job_id: number; user_id: string; kind: 'reserve' | 'settle' | 'release'; amount_micros: number; period_at: number }

export async function ledgerRows(sql: TestSql, jobId?: number): Promise<LedgerRow[]> {
  const rows = await sql.all<LedgerRow>('SELECT job_id, user_id, kind, amount_micros, period_at FROM ledger ORDER BY id');
  return jobId === undefined ? rows : rows.filter((r) => r.job_id === jobId);
}

const releasedStatuses = new Set(['failed', 'cancelled', 'expired']);

/** What the ledger must hold for a job: its settled cost, its estimate while held, nothing once released. */
function expectedChargeMicros(job: Job): number {
  if (job.costMicros !== null) return job.costMicros;
  return releasedStatuses.has(job.status) ? 0 : job.estimateMicros;
}

/** A user's spend is the sum of the ledger, so it must agree with the jobs' money states. */
export async function expectLedgerMatchesJobs(sql: TestSql, store: JobStore): Promise<void> {
  const ids = (await sql.all<{ id: number }>('SELECT id FROM jobs ORDER BY id')).map((r) => r.id);
  const jobs: Job[] = [];
  for (const id of ids) jobs.push(await store.get(id) as Job);
  const ledger = await ledgerRows(sql);
  const sum = (rows: LedgerRow[]) => rows.reduce((total, r) => total + r.amount_micros, 0);
  for (const job of jobs) {
    const rows = ledger.filter((r) => r.job_id === job.id);
    expect(rows.filter((r) => r.kind === 'reserve'), `job #${job.id} reserve rows`).toHaveLength(1);
    expect(sum(rows), `ledger of job #${job.id} (${job.status})`).toBe(expectedChargeMicros(job));
  }
  for (const userId of new Set(jobs.map((j) => j.userId))) {
    const expected = jobs.filter((j) => j.userId === userId).reduce((total, j) => total + expectedChargeMicros(j), 0);
    expect(sum(ledger.filter((r) => r.user_id === userId)), `ledger of ${userId}`).toBe(expected);
  }
}

/** A logger that drops everything, for job steps built directly in unit tests. */
export const quietLogger = { info() {}, warn() {}, error() {}, debug() {} };
