import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { BotProcess } from './botProcess.ts';
import { ledgerProblems, type CrashJobRow } from './crashHelpers.ts';
import { expectFewInvalidRequests, isResultPost, testEnv, videoOptions, type LedgerRow } from './harness.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const discord = await FakeDiscord.start();
  const apimart = await FakeApimart.start();
  const dir = mkdtempSync(join(tmpdir(), 'videobot-crash-'));
  cleanups.push(() => expectFewInvalidRequests(discord), () => rmSync(dir, { recursive: true, force: true }), () => apimart.stop(), () => discord.stop());
  const env = testEnv(discord, apimart, join(dir, 'bot.db'));
  const startBot = async () => {
    const bot = BotProcess.start(env);
    cleanups.push(() => bot.kill());
    // A restart also waits out Discord's 5 s IDENTIFY window before it is ready.
    await bot.waitForEvent('bot_ready', 30_000);
    return bot;
  };
  const readDb = <T>(read: (db: Database.Database) => T): T => {
    const db = new Database(env.DATABASE_PATH!, { readonly: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };
  const jobStatus = () => readDb((db) => db.prepare('SELECT status FROM jobs ORDER BY id').pluck().all() as string[]);
  /** Violations of the money invariants (crashHelpers.ledgerProblems), and the ledger's kinds in order. */
  const ledgerState = () => readDb((db) => {
    const jobs = db.prepare('SELECT * FROM jobs ORDER BY id').all() as CrashJobRow[];
    const ledger = db.prepare('SELECT job_id, user_id, kind, amount_micros FROM ledger ORDER BY id').all() as LedgerRow[];
    return { problems: ledgerProblems(jobs, ledger), kinds: ledger.map((r) => r.kind) };
  });
  return { discord, apimart, startBot, jobStatus, ledgerState };
}

describe('the bot process killed mid-job', () => {
  it('exits non-zero naming DISCORD_TOKEN and APIMART_API_KEY when unconfigured', async () => {
    const bot = BotProcess.start({});
    expect(await bot.exitCode()).not.toBe(0);
    const output = bot.output.join('\n');
    expect(output).toContain('DISCORD_TOKEN');
    expect(output).toContain('APIMART_API_KEY');
  });

  // Three processes in turn, each identifying within 5 s of the one before: each waits out Discord's
  // IDENTIFY window (Invalid Session, then discord.js identifies again), 5 to 6.5 s a restart.
  it('resumes polling after SIGKILL and posts the result exactly once', { timeout: 60_000 }, async () => {
    const { discord, apimart, startBot, jobStatus, ledgerState } = await setup();
    apimart.setTaskPlan('next', { outcome: 'never' });
    const first = await startBot();
    discord.sendCommand({ name: 'video', options: videoOptions({ duration: 8 }) });
    await discord.waitFor(() => apimart.polls().length >= 1, 15_000);
    await first.kill();
    expect(jobStatus()).toEqual(['submitted']);
    expect(ledgerState()).toEqual({ problems: [], kinds: ['reserve'] });

    const [taskId] = [...apimart.tasks.keys()];
    apimart.setTaskPlan(taskId!, { outcome: 'completed', pollsUntilComplete: 0 });
    const second = await startBot();
    await discord.waitForRequest(isResultPost, 15_000);
    await discord.waitFor(() => jobStatus()[0] === 'delivered', 15_000);
    await second.kill();

    const third = await startBot();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await third.kill();
    expect(discord.requests.filter(isResultPost)).toHaveLength(1);
    expect(apimart.submits()).toHaveLength(1);
    expect(jobStatus()).toEqual(['delivered']);
    expect(ledgerState()).toEqual({ problems: [], kinds: ['reserve', 'settle'] });
  });
});
