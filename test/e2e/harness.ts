import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createApp, type App, type AppDeps } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { openStores, type Stores } from '../../src/db/openStores.ts';
import { openDatabase, type Db } from '../../src/db/sqlite/openDatabase.ts';
import { createSqliteStores } from '../../src/db/sqlite/sqliteStores.ts';
import { testDatabaseUrl, testEngine } from '../support/testDatabase.ts';
import { sqliteTestSql, type TestSql } from '../support/testSql.ts';
import { createLogger } from '../../src/logger.ts';
import { validateRecordedRequests } from '../fakes/discordSpec.ts';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { FakeDiscord, type FakeDiscordOptions, type RecordedRequest } from '../fakes/fakeDiscord.ts';

export interface HarnessOptions {
  /** Environment variables on top of the test defaults (fast polls, fakes' URLs). */
  env?: Record<string, string>;
  discord?: FakeDiscord;
  apimart?: FakeApimart;
  dir?: string;
  /** Overrides of the app's own timings (e.g. a short confirmation window). */
  /** Whether stop() also stops the fakes; a restarted harness inherits it. */
  ownsFakes?: boolean;
  appDeps?: Partial<Pick<AppDeps, 'confirmationWindowMs' | 'statusEditIntervalMs' | 'healthProbeIntervalMs' | 'modelListRefreshMs' | 'reactionNoticeLifetimeMs' | 'clock' | 'apimart' | 'exit' | 'leaseHeartbeatMs' | 'commandSyncRetryMs'>>;
  /** Extra @discordjs/rest options, e.g. a short `timeout` so a hung Discord request is retried quickly. */
  rest?: { timeout?: number; retries?: number };
  /** PostgreSQL runs: the database a restarted harness keeps (a new one otherwise). */
  databaseUrl?: string;
  /**
   * Options of the fake Discord the harness starts (when none is given), e.g. `{ rateLimits: false }`
   * for a test about something else whose pace Discord's limits would only slow down.
   */
  discordOptions?: FakeDiscordOptions;
  /**
   * How many invalid requests (401, 403, 429) the test may make before stop() fails it: five by
   * default; a test that provokes more on purpose (missing permissions, closed DMs) says how many.
   */
  invalidRequestAllowance?: number;
}

export interface Harness {
  discord: FakeDiscord;
  apimart: FakeApimart;
  app: App;
  /** SQLite runs only: the connection under the stores. Tests that also run on PostgreSQL read through `sql`. */
  db: Db;
  /** The bot's tables on either engine. */
  sql: TestSql;
  config: Config;
  dbPath: string;
  /** PostgreSQL runs: the test's own database. */
  databaseUrl?: string;
  logLines: string[];
  /** Stops the bot (not the fakes) and starts a new one on the same database. */
  restart(env?: Record<string, string>): Promise<Harness>;
  stop(): Promise<void>;
}

/**
 * The database a test's bot opens: a SQLite file in its folder, or, when the suite runs on PostgreSQL, a
 * database of its own (reused by a restart), named to the bot by DATABASE_URL.
 */
export async function testDatabaseEnv(dbPath: string, databaseUrl?: string): Promise<Record<string, string>> {
  if (testEngine !== 'postgres') return { DATABASE_PATH: dbPath };
  const { createPostgresTestDatabase } = await import('../support/postgresTestDatabase.ts');
  return { DATABASE_PATH: dbPath, DATABASE_URL: databaseUrl ?? await createPostgresTestDatabase(testDatabaseUrl as string) };
}

/** On PostgreSQL the SQLite handle does not exist: a test that still reads it says so at once. */
const noSqliteHandle = new Proxy({}, { get() { throw new Error('this test reads SQLite directly (h.db); on PostgreSQL read through h.sql'); } }) as Db;

async function openHarnessStores(config: Config, dbPath: string): Promise<{ stores: Stores; db: Db; sql: TestSql; close(): Promise<void> }> {
  if (!config.databaseUrl) {
    // The app gets the stores; the test keeps the connection under them to assert on its tables.
    const db = openDatabase(dbPath);
    return { stores: createSqliteStores(db), db, sql: sqliteTestSql(db), close: async () => void db.close() };
  }
  const { openAnotherHost } = await import('../support/postgresTestDatabase.ts');
  const stores = await openStores({ databasePath: dbPath, databaseUrl: config.databaseUrl });
  const reader = openAnotherHost(config.databaseUrl, 2);
  return { stores, db: noSqliteHandle, sql: reader.sql, close: async () => { await stores.close(); await reader.close(); } };
}

export const testEnv = (discord: FakeDiscord, apimart: FakeApimart, dbPath: string): Record<string, string> => ({
  DISCORD_TOKEN: discord.botToken,
  APIMART_API_KEY: apimart.apiKey,
  DISCORD_API_URL: discord.apiBase,
  APIMART_BASE_URL: apimart.baseUrl,
  DATABASE_PATH: dbPath,
  POLL_MIN_INTERVAL_MS: '20',
  POLL_MAX_INTERVAL_MS: '100',
  LOG_LEVEL: 'debug',
});

export const noIdentifyThrottle = { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) } } as const;

/** The real app and the real discord.js client against both fakes on 127.0.0.1, with a temp database. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const discord = options.discord ?? await FakeDiscord.start(options.discordOptions);
  const apimart = options.apimart ?? await FakeApimart.start();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'videobot-'));
  const dbPath = join(dir, 'bot.db');
  const config = loadConfig({ ...testEnv(discord, apimart, dbPath), ...await testDatabaseEnv(dbPath, options.databaseUrl), ...options.env });
  const logLines: string[] = [];
  const logger = createLogger({ level: config.logLevel, secrets: [config.discordToken, config.apimartApiKey], write: (line) => logLines.push(line) });
  const { stores, db, sql, close } = await openHarnessStores(config, dbPath);
  const app = createApp({
    config, stores, logger, statusEditIntervalMs: 10, healthProbeIntervalMs: 50,
    ...(options.rest ? { clientOptions: { rest: options.rest } } : {}),
    ...options.appDeps,
  });
  await app.start();
  const ownsFakes = options.ownsFakes ?? !options.discord;
  let stopped = false;
  const harness: Harness = {
    discord, apimart, app, db, sql, config, dbPath, databaseUrl: config.databaseUrl, logLines,
    async restart(env) {
      stopped = true;
      await app.stop();
      await close();
      return startHarness({ ...options, env: { ...options.env, ...env }, discord, apimart, dir, ownsFakes, databaseUrl: config.databaseUrl });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.stop();
      await close();
      if (ownsFakes) {
        await discord.stop();
        await apimart.stop();
        rmSync(dir, { recursive: true, force: true });
      }
      expectFewInvalidRequests(discord, options.invalidRequestAllowance ?? defaultInvalidRequestAllowance);
    },
  };
  return harness;
}

/**
 * Far from Discord's 10,000 in 10 minutes: a test that is not about refusals makes almost none. A new
 * process meets one 429 per reaction method (discord.js learns the bucket from the first answer and
 * sends the next write through a fresh queue, within the 250 ms), so a few are allowed.
 */
export const defaultInvalidRequestAllowance = 5;

/**
 * Discord bans the IP of a bot that makes 10,000 invalid requests (401, 403, 429 not `shared`) in 10
 * minutes (topics/rate-limits#invalid-request-limit-aka-cloudflare-bans), so every test ends by
 * checking the bot made few.
 */
export function expectFewInvalidRequests(discord: FakeDiscord, allowance = defaultInvalidRequestAllowance): void {
  const made = discord.invalidRequests.map((r) => `${r.method} ${r.path} -> ${r.status}`);
  expect(made.length, `invalid requests (allowed ${allowance}):\n${made.join('\n')}`).toBeLessThanOrEqual(allowance);
}

/** Every test's teardown: the bot sent only spec-valid bodies to Discord, then everything stops. */
export async function checkAndStop(h: Harness | undefined): Promise<void> {
  if (h) expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  await h?.stop();
}

export const videoOptions = (o: { prompt?: string; duration?: number; aspect_ratio?: string; model?: string; resolution?: string; audio?: boolean; imageId?: string }) => [
  { name: 'prompt', type: 3, value: o.prompt ?? 'a fox running through fresh snow' },
  ...(o.duration !== undefined ? [{ name: 'duration', type: 4, value: o.duration }] : []),
  ...(o.aspect_ratio ? [{ name: 'aspect_ratio', type: 3, value: o.aspect_ratio }] : []),
  ...(o.model ? [{ name: 'model', type: 3, value: o.model }] : []),
  ...(o.resolution ? [{ name: 'resolution', type: 3, value: o.resolution }] : []),
  ...(o.audio !== undefined ? [{ name: 'audio', type: 5, value: o.audio }] : []),
  ...(o.imageId ? [{ name: 'image', type: 11, value: o.imageId }] : []),
];

export const isCallback = (interactionId: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path.startsWith(`/interactions/${interactionId}/`);

export const isResultPost = (r: RecordedRequest) =>
  r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && r.files.length > 0;

export interface LedgerRow { job_id: number; user_id: string; kind: string; amount_micros: number }
export const ledgerRows = (db: Db) => db.prepare('SELECT job_id, user_id, kind, amount_micros FROM ledger ORDER BY id').all() as LedgerRow[];
export const jobRows = (db: Db) => db.prepare('SELECT id, status, task_id, cost_micros, estimate_micros, result_message_id, failure_code FROM jobs ORDER BY id').all() as
  { id: number; status: string; task_id: string | null; cost_micros: number | null; estimate_micros: number; result_message_id: string | null; failure_code: string | null }[];

export type JobRow = ReturnType<typeof jobRows>[number];
/** The same rows on either engine. */
export const ledgerRowsOf = (h: Pick<Harness, 'sql'>) => h.sql.all<LedgerRow>('SELECT job_id, user_id, kind, amount_micros FROM ledger ORDER BY id');
export const jobRowsOf = (h: Pick<Harness, 'sql'>) =>
  h.sql.all<JobRow>('SELECT id, status, task_id, cost_micros, estimate_micros, result_message_id, failure_code FROM jobs ORDER BY id');

/** Polls an asynchronous condition (a database read) until it holds. */
export async function eventually(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Waits until the first job reaches `status`. On a timeout the error carries what a rare failure
 * needs to be understood afterwards: the job's row, the provider requests and the bot's last log lines.
 */
export async function waitForFirstJob(h: Harness, status: string, timeoutMs = 10_000): Promise<void> {
  try {
    await eventually(async () => (await jobRowsOf(h))[0]?.status === status, timeoutMs);
  } catch (err) {
    const provider = h.apimart.requests.map((r) => `${r.method} ${r.path} → ${r.status || 'no answer'}`);
    const explained = [
      `the first job did not reach ${status} within ${timeoutMs} ms`,
      `job: ${JSON.stringify((await jobRowsOf(h))[0] ?? null)}`,
      `provider requests: ${provider.join(', ') || 'none'}`,
      'last log lines:', ...h.logLines.slice(-40),
    ].join('\n');
    throw new Error(explained, { cause: err });
  }
}
