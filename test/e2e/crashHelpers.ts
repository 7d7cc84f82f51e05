import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FakeApimart, type FakeRequest } from '../fakes/fakeApimart.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { BotProcess } from './botProcess.ts';
import { expectFewInvalidRequests, isCallback, testEnv, type LedgerRow } from './harness.ts';
import { adminId, adminPermissions } from './spendHelpers.ts';

export interface CrashJobRow {
  id: number; user_id: string; status: string; task_id: string | null; estimate_micros: number;
  cost_micros: number | null; result_message_id: string | null; failure_code: string | null;
}

/**
 * Both fakes in the test process, a temp database, and the bot as a child process (`npm start`) that a
 * test SIGKILLs at a chosen step and starts again on the same database.
 */
export async function crashSetup(onCleanup: (cleanup: () => Promise<void> | void) => void, extraEnv: Record<string, string> = {}) {
  const discord = await FakeDiscord.start();
  const apimart = await FakeApimart.start();
  // Cleanups run last first: this check comes after every process and fake has stopped.
  onCleanup(() => expectFewInvalidRequests(discord));
  const dir = mkdtempSync(join(tmpdir(), 'videobot-crashpoints-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  onCleanup(() => apimart.stop());
  onCleanup(() => discord.stop());
  const dbPath = join(dir, 'bot.db');
  const env = { ...testEnv(discord, apimart, dbPath), ...extraEnv };

  /** Starts the bot and waits for `bot_ready` (it has resumed every job and is on the gateway). */
  const startBot = async (): Promise<BotProcess> => {
    const bot = BotProcess.start(env);
    onCleanup(() => bot.kill());
    // A restart also waits out Discord's 5 s IDENTIFY window before it is ready.
    await bot.waitForEvent('bot_ready', 30_000);
    return bot;
  };

  const readDb = <T>(read: (db: Database.Database) => T): T => {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };
  const jobs = () => readDb((db) => db.prepare(
    'SELECT id, user_id, status, task_id, estimate_micros, cost_micros, result_message_id, failure_code FROM jobs ORDER BY id').all() as CrashJobRow[]);
  const job = (id: number) => jobs().find((j) => j.id === id);
  const ledger = () => readDb((db) => db.prepare('SELECT job_id, user_id, kind, amount_micros FROM ledger ORDER BY id').all() as LedgerRow[]);
  const ledgerOf = (jobId: number) => ledger().filter((r) => r.job_id === jobId).map((r) => [r.kind, r.amount_micros]);
  /** Provider submits that carried this job's idempotency key (random, stored with the job). */
  const submitsOf = (jobId: number): FakeRequest[] => {
    const key = readDb((db) => db.prepare('SELECT idempotency_key FROM jobs WHERE id = ?').pluck().get(jobId));
    return key === undefined ? [] : apimart.submits().filter((r) => r.headers['idempotency-key'] === key);
  };
  /** Messages in the channel that carry the job's result nonce (what Discord shows, not what was sent). */
  const resultMessages = (jobId: number) => discord.channelMessages().filter((m) => m.nonce === `video-result-${jobId}`);

  return { discord, apimart, dbPath, env, startBot, readDb, jobs, job, ledger, ledgerOf, submitsOf, resultMessages };
}

export type CrashSetup = Awaited<ReturnType<typeof crashSetup>>;

const settledStatuses = ['completed', 'delivered'];
const releasedStatuses = ['failed', 'cancelled'];
const heldStatuses = ['awaiting_confirmation', 'queued', 'submitting', 'submitted', 'submit_unknown', 'timed_out'];

/**
 * The money invariants, as a list of violations (empty when consistent): each job has exactly one
 * reserve of its estimate and at most one settle (cost − estimate) or release (−estimate), matching
 * its status; and each user's ledger sums to their settled costs plus the reserves still held.
 */
export function ledgerProblems(jobs: CrashJobRow[], ledger: LedgerRow[]): string[] {
  const problems: string[] = [];
  const expectedByUser = new Map<string, number>();
  for (const job of jobs) {
    const rows = ledger.filter((r) => r.job_id === job.id);
    const of = (kind: string) => rows.filter((r) => r.kind === kind);
    const [reserves, settles, releases] = [of('reserve'), of('settle'), of('release')];
    if (reserves.length !== 1 || reserves[0]!.amount_micros !== job.estimate_micros) {
      problems.push(`job ${job.id}: reserves ${JSON.stringify(reserves.map((r) => r.amount_micros))}, estimate ${job.estimate_micros}`);
    }
    if (settles.length + releases.length > 1) problems.push(`job ${job.id}: ${settles.length} settles and ${releases.length} releases`);
    if (rows.some((r) => r.user_id !== job.user_id)) problems.push(`job ${job.id}: a ledger row names another user`);
    const settled = settles.length === 1;
    const released = releases.length === 1;
    if (settled && settles[0]!.amount_micros !== (job.cost_micros ?? NaN) - job.estimate_micros) {
      problems.push(`job ${job.id}: settle ${settles[0]!.amount_micros} for cost ${job.cost_micros} and estimate ${job.estimate_micros}`);
    }
    if (released && releases[0]!.amount_micros !== -job.estimate_micros) problems.push(`job ${job.id}: release ${releases[0]!.amount_micros}`);
    if (settledStatuses.includes(job.status) && !settled) problems.push(`job ${job.id}: ${job.status} but not settled`);
    if (releasedStatuses.includes(job.status) && !released) problems.push(`job ${job.id}: ${job.status} but not released`);
    if (heldStatuses.includes(job.status) && (settled || released)) problems.push(`job ${job.id}: ${job.status} but its reservation is gone`);
    const owed = settled ? (job.cost_micros ?? 0) : released ? 0 : job.estimate_micros;
    expectedByUser.set(job.user_id, (expectedByUser.get(job.user_id) ?? 0) + owed);
  }
  const orphans = ledger.filter((r) => !jobs.some((j) => j.id === r.job_id));
  if (orphans.length > 0) problems.push(`${orphans.length} ledger rows without a job`);
  for (const [userId, expected] of expectedByUser) {
    const sum = ledger.filter((r) => r.user_id === userId).reduce((total, r) => total + r.amount_micros, 0);
    if (sum !== expected) problems.push(`user ${userId}: ledger sums to ${sum}, settled costs + held reserves are ${expected}`);
  }
  return problems;
}

export const isChannelPost = (r: RecordedRequest) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path);

/** `/video-admin report` from a Manage Server member; resolves to the text of the ephemeral answer. */
export async function adminReport(discord: FakeDiscord): Promise<string> {
  const interaction = discord.sendCommand({
    name: 'video-admin', userId: adminId, memberPermissions: adminPermissions, options: [{ name: 'report', type: 1, options: [] }],
  });
  const callback = await discord.waitForRequest(isCallback(interaction.id), 10_000);
  const body = callback.body as { type: number; data?: { content?: string } };
  if (body.type !== 5) return body.data?.content ?? '';
  const edit = await discord.waitForRequest(
    (r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.appId}/${interaction.token}/messages/@original`, 10_000);
  return (edit.body as { content?: string }).content ?? '';
}
