import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { JobStore, NewJob } from '../src/db/jobStore.ts';
import { openStores, type Stores } from '../src/db/openStores.ts';
import { utcPeriods } from '../src/services/spend/budgetPeriods.ts';
import { ackBurstOnEngine } from './ackBurstByEngine.ts';
import { sampleJob } from './sampleJob.ts';
import { percentile, round, type BenchResult } from './stats.ts';

type Engine = 'sqlite' | 'postgres';
interface OpenedEngine { stores: Stores; url?: string; drop(): Promise<void> }

/** A synced SQLite file, as `npm start` opens it. */
async function openSqlite(): Promise<OpenedEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'videobot-stores-'));
  const stores = await openStores({ databasePath: join(dir, 'bot.db') });
  return { stores, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function withAdmin(serverUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A database of its own on the server, migrated as the bot migrates it, dropped afterwards. */
async function openPostgres(serverUrl: string): Promise<OpenedEngine> {
  const name = `videobot_bench_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const stores = await openStores({ databasePath: ':memory:', databaseUrl: url.toString() });
  return { stores, url: url.toString(), drop: () => withAdmin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Each call alone, one after another: the latency one `/video` or one job step sees. */
async function timed(count: number, call: (i: number) => Promise<boolean>): Promise<{ latencies: number[]; seconds: number; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const before = performance.now();
    if (!await call(i)) failed += 1;
    latencies.push(performance.now() - before);
  }
  return { latencies, seconds: (performance.now() - started) / 1000, failed };
}

function report(engine: Engine, operation: string, count: number, run: Awaited<ReturnType<typeof timed>>): BenchResult[] {
  const name = `store_${operation}_${engine}`;
  return [
    { name: `${name}_p50`, value: round(percentile(run.latencies, 50), 2), unit: 'ms', goal: 'informational (one call at a time)', met: true },
    { name: `${name}_p99`, value: round(percentile(run.latencies, 99), 2), unit: 'ms', goal: 'informational', met: true },
    { name: `${name}_per_second`, value: Math.round(count / run.seconds), unit: 'ops/s', goal: 'informational', met: true },
    {
      name: `${name}_failed`, value: run.failed, unit: 'calls', invariant: true, met: run.failed === 0,
      goal: `0: every ${operation.replace('_', ' ')} of the ${count} succeeds`,
    },
  ];
}

/**
 * Reservation (budget checks and the reserve row in one transaction), claim (the next queued job to
 * `submitting`, under MAX_CONCURRENT_JOBS) and state change (`submitting` to `submitted`) through the
 * real store of one engine, each call alone so its latency is what a job sees.
 */
async function measureEngine(engine: Engine, opened: OpenedEngine, count: number): Promise<BenchResult[]> {
  const store: JobStore = opened.stores.jobStore();
  const now = Date.now();
  const window = {
    now, ...utcPeriods(now), userDailyMicros: 10_000_000, userMonthlyMicros: 100_000_000,
    guildDailyMicros: 5_000_000_000, botDailyMicros: 10_000_000_000, userMaxActiveJobs: 25,
  };
  const { request, settings } = sampleJob('a fox in the snow');
  const job = (i: number): NewJob => ({
    originKey: `bench-store-${i}`, guildId: '1', channelId: '2', userId: String(1_900_000_000_000_000_000n + BigInt(i)),
    locale: 'en-US', applicationId: '3', interactionToken: 'token', interactionAt: now, attachmentSizeLimit: 10 * 1024 * 1024,
    request, settings, imageName: null, estimateMicros: 400_000, needsConfirmation: false, confirmDeadlineAt: null,
  });
  const reservations = await timed(count, async (i) => (await store.createJob(job(i), window)).ok);
  const claimed: number[] = [];
  const claims = await timed(count, async () => {
    const next = await store.claimForSubmission(count + 1, now);
    if (next) claimed.push(next.id);
    return next !== undefined;
  });
  const changes = await timed(claimed.length, async (i) => (await store.recordSubmitted(claimed[i] as number, `task-${i}`, now)) !== undefined);
  return [...report(engine, 'reservation', count, reservations), ...report(engine, 'claim', count, claims), ...report(engine, 'state_change', claimed.length, changes)];
}

/**
 * The same store calls on SQLite and on PostgreSQL, side by side in one run, then the same `/video`
 * burst through a bot process on each (its acknowledgements and its ledger). PostgreSQL is the server
 * BENCH_DATABASE_URL names (`npm run bench:pg` starts a throwaway one; the bench creates and drops a
 * database of its own there); without it that half is reported as skipped. Not TEST_DATABASE_URL: the
 * other stages run the test harness, which would then need the test suite's template database.
 */
export async function measureStores(count: number, burstSize: number, postgresServerUrl: string | undefined): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const engines: [Engine, () => Promise<OpenedEngine>][] = [['sqlite', openSqlite]];
  if (postgresServerUrl) engines.push(['postgres', () => openPostgres(postgresServerUrl)]);
  else {
    results.push({
      name: 'store_postgres_skipped', value: 1, unit: 'runs', met: true,
      goal: 'skipped: BENCH_DATABASE_URL is unset (`npm run bench:pg` measures PostgreSQL too)',
    });
  }
  for (const [engine, open] of engines) {
    results.push(...await onFreshDatabase(open, (opened) => measureEngine(engine, opened, count)));
    // On SQLite the bot process makes its own file; on PostgreSQL it gets an empty database of its own.
    results.push(...await onFreshDatabase(open, (opened) => ackBurstOnEngine(engine, burstSize, opened.url)));
  }
  return results;
}

async function onFreshDatabase(open: () => Promise<OpenedEngine>, body: (opened: OpenedEngine) => Promise<BenchResult[]>): Promise<BenchResult[]> {
  const opened = await open();
  try {
    return await body(opened);
  } finally {
    await opened.stores.close();
    await opened.drop();
  }
}
