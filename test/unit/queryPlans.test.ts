import { readdirSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstanceLease } from '../../src/db/sqlite/instanceLease.ts';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { createOperationsQueries } from '../../src/db/sqlite/operationsQueries.ts';
import { createRetentionStore } from '../../src/db/sqlite/retentionStore.ts';
import { openDatabase, type Db } from '../../src/db/sqlite/openDatabase.ts';
import { createAccepted, guildId } from './storeFixtures.ts';
import { sampleJob } from '../../bench/sampleJob.ts';

/**
 * Every statement the stores prepare, collected by wrapping `prepare` itself, so a statement added
 * tomorrow is checked without anyone listing it here. A plan that walks `jobs` or `ledger` (a SCAN
 * without a partial index) or sorts into a temporary B-tree costs more the longer the bot has run.
 */
const dbDir = new URL('../../src/db/', import.meta.url);
const prepared = new Map<string, string>();
const originalPrepare = Database.prototype.prepare;

function callerFile(): string {
  const line = new Error().stack?.split('\n').find((l) => l.includes('/src/db/'));
  return line?.match(/\/src\/db\/([^:/]+\.ts)/)?.[1] ?? 'unknown';
}

/** Drives every path of the stores, so lazily prepared statements (the transitions) exist too. */
async function exerciseStores(db: Db): Promise<void> {
  const store = createJobStore(db);
  const operations = createOperationsQueries(db);
  await operations.unfinishedJobCounts();
  await operations.oldestActiveJobCreatedAt();
  await operations.spendMicrosBetween(0, 1);
  await createRetentionStore(db).eraseFinishedBefore(Date.now(), Date.now(), 10);
  const lease = createInstanceLease(db, { host: 'h', pid: 1 }, { staleMs: 1000, isAlive: () => true, shardIds: [0], shardCount: 1 });
  await lease.acquire(1);
  await lease.heartbeat(2);
  await lease.release();
  const now = Date.UTC(2025, 5, 15);
  const lifecycle = async (taskId: string, end: (id: number) => Promise<unknown>) => {
    const job = await createAccepted(store, now, { userId: `u-${taskId}` }, { userDailyMicros: 10_000_000, userMonthlyMicros: 10_000_000, guildDailyMicros: 10_000_000, userMaxActiveJobs: 5 });
    const claimed = await store.claimForSubmission(10, now);
    expect(claimed?.id).toBe(job.id);
    await store.markSubmitSending(job.id, now);
    await store.recordSubmitted(job.id, taskId, now);
    await store.recordProgress(job.id, 50, 60, now);
    await store.recordPollError(job.id, now);
    await store.setStatusMessage(job.id, '2', `m-${taskId}`, now);
    await end(job.id);
  };
  await lifecycle('t1', async (id) => {
    await store.completeTask(id, { videoUrl: 'https://x/v.mp4', videoExpiresAt: null, costMicros: null }, now);
    await store.markResultPostStarted(id, now);
    await store.markDelivered(id, '2', 'r1', now);
    await store.forgetInteractionToken(id);
  });
  await lifecycle('t2', (id) => store.failTask(id, 'provider_failed', null, now));
  await lifecycle('t3', async (id) => {
    await store.markTimedOut(id, now);
    await store.completeTask(id, { videoUrl: 'https://x/v.mp4', videoExpiresAt: null, costMicros: 1 }, now);
    await store.markVideoExpired(id, now);
  });
  const parent = await createAccepted(store, now);
  await store.createJobs([{ ...createInput(parent.id) }], { now, dayStart: 0, dayEnd: now * 2, monthStart: 0, monthEnd: now * 2, userDailyMicros: 1, userMonthlyMicros: 1, guildDailyMicros: 1, botDailyMicros: 0, userMaxActiveJobs: 1 });
  const queued = await createAccepted(store, now, { needsConfirmation: true, confirmDeadlineAt: now + 1 });
  await store.confirm(queued.id, now);
  await store.endBeforeSubmission(queued.id, 'cancelled', 'cancelled', now);
  const requeued = await createAccepted(store, now);
  await store.claimForSubmission(10, now);
  await store.requeue(requeued.id, now + 1, now);
  await store.claimForSubmission(10, now + 2);
  await store.markSubmitUnknown(requeued.id, 'lost', now);
  await store.quarantineInterruptedSubmissions(now);
  await store.unfinishedJobs();
  await store.jobsToPoll();
  await store.jobsNotAtProvider();
  await store.placesOfUnfinishedJobs();
  await store.recentJobsForUser('u', 10);
  await store.jobsNeedingAttention(guildId);
  await store.unfinishedJobIdsInGuild(guildId);
  await store.unfinishedJobIdsInChannels(['2', '3']);
  await store.queuePosition(1);
  await store.firstQueuedJobIds(5);
  await store.earliestQueuedRetryAt();
  await store.findByMessageId('r1');
  const { spend } = store;
  await spend.userSpendMicros('u', 0, now);
  await spend.guildDaySpendMicros(guildId, 0);
  await spend.botDaySpendMicros(0);
  await spend.userPeriodSpend('u', 0, now);
  await spend.userTotalSpend('u');
  await spend.recentJobsInGuild(guildId, 'u', 10);
  await spend.guildSpendByUser(guildId, 0, now);
  await spend.setBudgetOverride({ guildId, userId: 'u', dailyMicros: 1, monthlyMicros: null, actorId: 'a', now });
  await spend.budgetOverride(guildId, 'u');
  await spend.clearBudgetOverride(guildId, 'u');
  await spend.setPaused(guildId, true, 'a', now);
  await spend.isPaused(guildId);
  await spend.audit({ guildId, actorId: 'a', action: 'x', now });
  await spend.recentAudit(guildId, 10);

  function createInput(parentJobId: number) {
    return { ...parentFields(), parentJobId, rerollDedupeMs: 1000 };
  }
  function parentFields() {
    return {
      originKey: 'reroll-1', guildId, channelId: '2', userId: 'u', locale: 'en-US', applicationId: '3',
      interactionToken: null, interactionAt: now, attachmentSizeLimit: 1, imageName: null, estimateMicros: 1,
      needsConfirmation: false, confirmDeadlineAt: null,
      ...sampleJob('p'),
    };
  }
}

/** Binds 1 to every parameter: the plan depends on which columns are compared, not on the values. */
function planOf(db: Db, sql: string): string[] {
  const code = sql.replace(/'(?:[^']|'')*'/g, "''");
  const named = [...new Set([...code.matchAll(/[@:$]([A-Za-z_]\w*)/g)].map((m) => m[1] as string))];
  const positional = (code.match(/\?/g) ?? []).length;
  const statement = originalPrepare.call(db, `EXPLAIN QUERY PLAN ${sql}`) as Database.Statement<unknown[]>;
  const args: unknown[] = Array.from({ length: positional }, () => 1);
  if (named.length > 0) args.push(Object.fromEntries(named.map((n) => [n, 1])));
  return (statement.all(...args) as { detail: string }[]).map((r) => r.detail);
}

describe('query plans', () => {
  let db: Db;
  const partialIndexes = new Set<string>();

  beforeAll(async () => {
    Database.prototype.prepare = function (this: Database.Database, sql: string) {
      if (!/^\s*(PRAGMA|EXPLAIN)/i.test(sql)) prepared.set(sql.replace(/\s+/g, ' ').trim(), callerFile());
      return originalPrepare.call(this, sql);
    } as typeof originalPrepare;
    db = openDatabase(':memory:');
    await exerciseStores(db);
    const indexes = (originalPrepare.call(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") as Database.Statement<[]>).all() as { name: string; sql: string }[];
    for (const index of indexes) if (/\bWHERE\b/i.test(index.sql)) partialIndexes.add(index.name);
  });
  afterAll(() => {
    Database.prototype.prepare = originalPrepare;
    db.close();
  });

  it('sees a statement from every file in src/db that prepares one', () => {
    const preparing = readdirSync(dbDir).filter((f) => f.endsWith('.ts') && /\.prepare[<(]/.test(readFileSync(new URL(f, dbDir), 'utf8')));
    const seen = new Set(prepared.values());
    expect(preparing.filter((f) => !seen.has(f))).toEqual([]);
    expect(prepared.size).toBeGreaterThan(30);
  });

  it('never walks jobs or ledger, and never sorts into a temporary B-tree', () => {
    const problems: string[] = [];
    for (const [sql, file] of prepared) {
      if (process.env.SHOW_PLANS) console.log(sql, planOf(db, sql));
      for (const detail of planOf(db, sql)) {
        const scan = detail.match(/^SCAN (jobs|ledger)\b(?:.*USING (?:COVERING )?INDEX (\w+))?/);
        const walks = scan && !(scan[2] && partialIndexes.has(scan[2]));
        if (walks || /TEMP B-TREE/.test(detail)) problems.push(`${file}: ${detail}\n    ${sql}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
