import { readFileSync } from 'node:fs';
import { config as loadDotenvFile } from 'dotenv';
import type { LogLevel } from './logger.ts';
import type { ModelCatalog } from './models/modelCatalog.ts';
import type { Micros } from './money.ts';
import { hostSettingProblems } from './configHosts.ts';
import { defaultModelOf, loadModels } from './configModels.ts';
import { loadProviderConfig, type ProviderConfig } from './configProvider.ts';
import { readVariable, variables, type ParsedVariables, type Variables } from './configVariables.ts';
import { databaseClientEnv } from './databaseClientEnv.ts';

export interface Config {
  discordToken: string;
  apimartApiKey: string;
  discordApiUrl: string;
  discordGuildId: string | undefined;
  apimartBaseUrl: string;
  databasePath: string;
  /** PostgreSQL instead of SQLite when set; several hosts share it. */
  databaseUrl: string | undefined;
  defaultModel: string;
  models: ModelCatalog;
  /** Budgets: 0 = no limit. */
  userDailyBudgetMicros: Micros;
  userMonthlyBudgetMicros: Micros;
  guildDailyBudgetMicros: Micros;
  /** All spend, every server, per UTC day; 0 = no limit. */
  botDailyBudgetMicros: Micros;
  userMaxActiveJobs: number;
  maxConcurrentJobs: number;
  /** 0 = never ask for confirmation. */
  confirmAboveMicros: Micros;
  pollMinIntervalMs: number;
  pollMaxIntervalMs: number;
  jobTimeoutMs: number;
  adminRoleIds: readonly string[];
  allowedChannelIds: readonly string[];
  /** Empty = every server. */
  allowedGuildIds: readonly string[];
  /** Besides the application's owner or team: who may raise a member's limits above the ceilings. */
  ownerUserIds: readonly string[];
  logLevel: LogLevel;
  /** Health and metrics HTTP server; undefined = off. */
  metricsPort: number | undefined;
  metricsHost: string;
  /** 0 = keep prompts and URLs of finished jobs forever. */
  retentionDays: number;
  /** Gateway shards in total: Discord's recommended count (`auto`) or a fixed number. */
  shards: number | 'auto';
  /** Above 1, `npm start` runs discord.js's ShardingManager with this many processes on one database. */
  shardProcesses: number;
  /** Set in a process the ShardingManager started: which process it is and the bot's total shard count. */
  shardProcess: { index: number; shardCount: number } | undefined;
  /** Hosts sharing the database, and which one this is: it runs the shards `s % hostCount == hostIndex`. */
  hostCount: number;
  hostIndex: number;
  /** Provider callbacks: the public base URL that reaches the callback server, or undefined (polling only). */
  publicWebhookUrl: string | undefined;
  webhookListenHost: string;
  webhookListenPort: number;
}

/** Names every bad variable in one message and never carries a value: tokens must not reach logs. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** dotenv 17 prints a banner on every load unless told to be quiet. */
export function loadDotenv(): void {
  // DOTENV_CONFIG_PATH lets tests and operators point at another file (or none).
  loadDotenvFile({ quiet: true, path: process.env.DOTENV_CONFIG_PATH ?? '.env' });
}

/** The process's own configuration: `.env` (if any) under the real environment, validated. */
export function loadConfigFromEnvironment(): Config {
  loadDotenv();
  return loadConfig(process.env);
}

/** The provider's variables and the catalog alone, for `npm run models`, which needs no Discord token. */
export function loadProviderConfigFromEnvironment(): ProviderConfig {
  loadDotenv();
  const loaded = loadProviderConfig(process.env, { readFile: (path) => readFileSync(path, 'utf8') });
  if (Array.isArray(loaded)) throw new ConfigError(loaded);
  return loaded;
}

/**
 * DATABASE_PATH and DATABASE_URL alone, for tools such as `npm run backup` that need no tokens; with the
 * environment a database client they start (pg_dump) inherits: PATH, HOME, LANG, LC_*, TZ, TMPDIR and libpq's PG*.
 */
export function loadDatabaseSettingsFromEnvironment(): { databasePath: string; databaseUrl: string | undefined; childEnv: NodeJS.ProcessEnv } {
  loadDotenv();
  const url = variables.DATABASE_URL.safeParse(readVariable(process.env, 'DATABASE_URL'));
  if (!url.success) throw new ConfigError([`DATABASE_URL: ${url.error.issues[0]?.message ?? 'invalid'}`]);
  const databasePath = variables.DATABASE_PATH.parse(readVariable(process.env, 'DATABASE_PATH'));
  return { databasePath, databaseUrl: url.data, childEnv: databaseClientEnv(process.env) };
}

export function loadConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
  deps: { readFile?: (path: string) => string } = {},
): Config {
  const readFile = deps.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const problems: string[] = [];
  const values: Partial<Record<keyof Variables, unknown>> = {};
  const shardProcess = managedShardProcess(env, problems);
  for (const name of Object.keys(variables) as (keyof Variables)[]) {
    const result = variables[name].safeParse(readVariable(env, name));
    // Only our own messages are kept: zod's defaults may quote the input, which could be a secret.
    if (result.success) values[name] = result.data;
    else problems.push(`${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  }
  const parsed = values as Partial<ParsedVariables>;

  const { POLL_MIN_INTERVAL_MS: pollMin, POLL_MAX_INTERVAL_MS: pollMax } = parsed;
  if (pollMin !== undefined && pollMax !== undefined && pollMin > pollMax) {
    problems.push('POLL_MIN_INTERVAL_MS: must not exceed POLL_MAX_INTERVAL_MS');
  }

  problems.push(...hostSettingProblems({
    databaseUrl: parsed.DATABASE_URL, hostCount: parsed.HOST_COUNT, hostIndex: parsed.HOST_INDEX,
    shards: shardProcess ? shardProcess.shardCount : parsed.DISCORD_SHARDS, shardProcesses: parsed.SHARD_PROCESSES,
  }, 'DISCORD_SHARDS'));

  let models: ModelCatalog | undefined;
  if ('MODELS_FILE' in values) {
    const loaded = loadModels(parsed.MODELS_FILE, readFile);
    if (Array.isArray(loaded)) problems.push(...loaded);
    else models = loaded;
  }
  if (models && parsed.DEFAULT_MODEL !== undefined && !models.find(parsed.DEFAULT_MODEL)) {
    problems.push(`DEFAULT_MODEL: must be a model of the catalog (${models.ids().join(', ')})`);
  }

  if (problems.length > 0 || !models) throw new ConfigError(problems);
  const ok = parsed as ParsedVariables;
  return Object.freeze({
    discordToken: ok.DISCORD_TOKEN,
    apimartApiKey: ok.APIMART_API_KEY,
    discordApiUrl: ok.DISCORD_API_URL,
    discordGuildId: ok.DISCORD_GUILD_ID,
    apimartBaseUrl: ok.APIMART_BASE_URL,
    databasePath: ok.DATABASE_PATH,
    databaseUrl: ok.DATABASE_URL,
    defaultModel: ok.DEFAULT_MODEL ?? defaultModelOf(models),
    models,
    userDailyBudgetMicros: ok.USER_DAILY_BUDGET_USD,
    userMonthlyBudgetMicros: ok.USER_MONTHLY_BUDGET_USD,
    guildDailyBudgetMicros: ok.GUILD_DAILY_BUDGET_USD,
    userMaxActiveJobs: ok.USER_MAX_ACTIVE_JOBS,
    maxConcurrentJobs: ok.MAX_CONCURRENT_JOBS,
    confirmAboveMicros: ok.CONFIRM_ABOVE_USD,
    pollMinIntervalMs: ok.POLL_MIN_INTERVAL_MS,
    pollMaxIntervalMs: ok.POLL_MAX_INTERVAL_MS,
    jobTimeoutMs: ok.JOB_TIMEOUT_MINUTES * 60_000,
    adminRoleIds: Object.freeze(ok.ADMIN_ROLE_IDS),
    allowedChannelIds: Object.freeze(ok.ALLOWED_CHANNEL_IDS),
    botDailyBudgetMicros: ok.BOT_DAILY_BUDGET_USD,
    allowedGuildIds: Object.freeze(ok.ALLOWED_GUILD_IDS),
    ownerUserIds: Object.freeze(ok.OWNER_USER_IDS),
    logLevel: ok.LOG_LEVEL,
    metricsPort: ok.METRICS_PORT,
    metricsHost: ok.METRICS_HOST,
    retentionDays: ok.RETENTION_DAYS,
    shards: ok.DISCORD_SHARDS,
    shardProcesses: ok.SHARD_PROCESSES,
    shardProcess,
    hostCount: ok.HOST_COUNT,
    hostIndex: ok.HOST_INDEX,
    publicWebhookUrl: ok.PUBLIC_WEBHOOK_URL,
    webhookListenHost: ok.WEBHOOK_LISTEN_HOST,
    webhookListenPort: ok.WEBHOOK_LISTEN_PORT,
  });
}

/**
 * discord.js's ShardingManager starts its processes with SHARDING_MANAGER, SHARDS = the process's index and
 * SHARD_COUNT = the total. Anywhere else those names are not the operator's to set: discord.js's Client
 * would read them as its own (`SHARDS=auto` is not JSON), so an old `.env` naming them is refused.
 */
function managedShardProcess(env: Record<string, string | undefined>, problems: string[]): Config['shardProcess'] {
  if (env.SHARDING_MANAGER !== 'true') {
    for (const name of ['SHARDS', 'SHARD_COUNT']) {
      if (env[name] !== undefined) problems.push(`${name}: is discord.js's own variable, set only for the processes its ShardingManager starts; remove it and set DISCORD_SHARDS instead`);
    }
    return undefined;
  }
  const shardProcess = { index: Number(env.SHARDS), shardCount: Number(env.SHARD_COUNT) };
  if (!(Number.isInteger(shardProcess.index) && shardProcess.index >= 0 && shardProcess.shardCount > shardProcess.index)) {
    problems.push('SHARDS: the sharding manager passed an invalid shard');
  }
  return shardProcess;
}
