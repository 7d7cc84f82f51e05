import { z } from 'zod';
import type { LogLevel } from './logger.ts';
import { isUsdAmount, usdToMicros } from './money.ts';

const SNOWFLAKE = /^\d+$/;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const satisfies readonly LogLevel[];

const required = z.string({ error: 'required' });

function httpUrl(fallback: string) {
  return z
    .string()
    .refine(isHttpUrl, 'must be an http(s) URL')
    .transform((url) => url.replace(/\/+$/, ''))
    .prefault(fallback);
}

function usdAmount(fallback: string) {
  return z
    .string()
    .refine((usd) => isUsdAmount(usd), 'must be a non-negative USD amount with at most 6 decimals')
    .transform((usd) => usdToMicros(usd))
    .prefault(fallback);
}

function positiveInt(fallback: string) {
  const message = 'must be a positive integer';
  return z
    .string()
    .regex(/^\d+$/, message)
    .transform(Number)
    .refine((n) => n > 0 && Number.isSafeInteger(n), message)
    .prefault(fallback);
}

const idList = z
  .string()
  .optional()
  .transform((raw) => [...new Set((raw ?? '').split(',').map((id) => id.trim()).filter((id) => id !== ''))])
  .refine((ids) => ids.every((id) => SNOWFLAKE.test(id)), 'must be comma-separated Discord ids');

const port = z
  .string()
  .regex(/^\d+$/, 'must be a port number (0-65535)')
  .transform(Number)
  .refine((n) => n <= 65_535, 'must be a port number (0-65535)')
  .prefault('8787');

/** Every environment variable the bot reads, as zod schemas over the raw strings (blank = unset). */
export const variables = {
  DISCORD_TOKEN: required,
  APIMART_API_KEY: required,
  DISCORD_API_URL: httpUrl('https://discord.com/api'),
  DISCORD_GUILD_ID: z.string().regex(SNOWFLAKE, 'must be a Discord id').optional(),
  APIMART_BASE_URL: httpUrl('https://api.apimart.ai'),
  DATABASE_PATH: z.string().prefault('./data/bot.db'),
  DATABASE_URL: z.string().refine((url) => /^postgres(ql)?:\/\/./.test(url), 'must be a postgres:// or postgresql:// URL').optional(),
  DEFAULT_MODEL: z.string().optional(),
  MODELS_FILE: z.string().optional(),
  USER_DAILY_BUDGET_USD: usdAmount('5'),
  USER_MONTHLY_BUDGET_USD: usdAmount('50'),
  GUILD_DAILY_BUDGET_USD: usdAmount('0'),
  USER_MAX_ACTIVE_JOBS: positiveInt('2'),
  MAX_CONCURRENT_JOBS: positiveInt('10'),
  CONFIRM_ABOVE_USD: usdAmount('1'),
  POLL_MIN_INTERVAL_MS: positiveInt('2000'),
  POLL_MAX_INTERVAL_MS: positiveInt('30000'),
  JOB_TIMEOUT_MINUTES: positiveInt('45'),
  ADMIN_ROLE_IDS: idList,
  ALLOWED_CHANNEL_IDS: idList,
  BOT_DAILY_BUDGET_USD: usdAmount('0'),
  ALLOWED_GUILD_IDS: idList,
  OWNER_USER_IDS: idList,
  PUBLIC_WEBHOOK_URL: z.string().refine(isHttpUrl, 'must be an http(s) URL').transform((url) => url.replace(/\/+$/, '')).optional(),
  WEBHOOK_LISTEN_HOST: z.string().prefault('127.0.0.1'),
  WEBHOOK_LISTEN_PORT: port,
  LOG_LEVEL: z
    .string()
    .transform((level) => level.toLowerCase())
    .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }))
    .prefault('info'),
  METRICS_PORT: z
    .string()
    .regex(/^\d+$/, 'must be a port number (1-65535)')
    .transform(Number)
    .refine((port) => port >= 1 && port <= 65_535, 'must be a port number (1-65535)')
    .optional(),
  METRICS_HOST: z.string().prefault('127.0.0.1'),
  RETENTION_DAYS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days (0 = keep)')
    .transform(Number)
    .refine((days) => Number.isSafeInteger(days), 'must be a whole number of days (0 = keep)')
    .prefault('0'),
  DISCORD_SHARDS: z
    .string()
    .regex(/^(auto|[1-9]\d{0,4})$/, 'must be auto or a positive integer')
    .transform((raw): number | 'auto' => (raw === 'auto' ? 'auto' : Number(raw)))
    .prefault('auto'),
  SHARD_PROCESSES: positiveInt('1'),
  HOST_COUNT: positiveInt('1'),
  HOST_INDEX: z
    .string()
    .regex(/^\d+$/, 'must be a whole number (0 for the first host)')
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), 'must be a whole number (0 for the first host)')
    .prefault('0'),
};

export type Variables = typeof variables;
export type ParsedVariables = { [K in keyof Variables]: z.output<Variables[K]> };

/** Blank counts as unset, so `KEY=` in .env falls back to the default instead of failing. */
export function readVariable(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
