import { createLogWriter } from './logWriter.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Exact strings to scrub from every line (the configured tokens); shorter than 6 chars is ignored. */
  secrets: string[];
  write?: (line: string) => void;
  now?: () => number;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const REDACTED = '[redacted]';
const MIN_SECRET_LENGTH = 6;
const MAX_DEPTH = 8;
const SENSITIVE_KEY = /(token|apikey|password|secret)$|^authorization$/;
const BEARER = /\b(Bearer)\s+[^\s"',;]+/gi;
// "Bot started" must survive, so a Bot credential needs a digit or dot, as Discord tokens always have.
const BOT = /\b(Bot)\s+(?=[^\s"',;]*[\d.])[^\s"',;]{6,}/gi;
// discord.js errors carry request URLs whose last segment is an interaction or webhook token.
const WEBHOOK_TOKEN = /(\/(?:webhooks|interactions)\/\d+\/)[^/?#\s"']+/gi;

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? createLogWriter().write;
  const now = options.now ?? Date.now;
  const secrets = options.secrets
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  const scrub = (text: string) => redactText(text, secrets);
  const withStack = options.level === 'debug';

  const build = (bound: LogFields): Logger => {
    const log = (level: LogLevel) => (event: string, fields?: LogFields) => {
      if (RANK[level] < RANK[options.level]) return;
      const head = { t: new Date(now()).toISOString(), level, event: scrub(event) };
      const body = sanitize({ ...bound, ...fields }, { scrub, withStack, seen: new WeakSet() }, 0);
      write(JSON.stringify(Object.assign({ ...head }, body, head)));
    };
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (fields) => build({ ...bound, ...fields }),
    };
  };
  return build({});
}

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.replaceAll(secret, REDACTED);
  }
  return out
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(BOT, `$1 ${REDACTED}`)
    .replace(WEBHOOK_TOKEN, `$1${REDACTED}`);
}

interface SanitizeContext {
  scrub: (text: string) => string;
  withStack: boolean;
  seen: WeakSet<object>;
}

function sanitize(value: unknown, ctx: SanitizeContext, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return ctx.scrub(value);
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
      return undefined;
    case 'symbol':
      return value.toString();
  }
  if (value === null) return null;
  const object = value as object;
  if (ctx.seen.has(object)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  ctx.seen.add(object);
  try {
    if (object instanceof Error) return serializeError(object, ctx, depth);
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
    if (ArrayBuffer.isView(object)) return `[${object.byteLength} bytes]`;
    if (Array.isArray(object)) return object.map((item) => sanitize(item, ctx, depth + 1));
    if (object instanceof Map) return sanitizeEntries([...object.entries()], ctx, depth);
    if (object instanceof Set) return sanitize([...object], ctx, depth);
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return sanitize(toJSON.call(object), ctx, depth + 1);
    return sanitizeEntries(Object.entries(object), ctx, depth);
  } finally {
    ctx.seen.delete(object);
  }
}

function sanitizeEntries(entries: [unknown, unknown][], ctx: SanitizeContext, depth: number): LogFields {
  const out: LogFields = {};
  for (const [rawKey, item] of entries) {
    const key = ctx.scrub(String(rawKey));
    out[key] = isSensitiveKey(key) && item != null ? REDACTED : sanitize(item, ctx, depth + 1);
  }
  return out;
}

function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.toLowerCase().replace(/[^a-z]/g, ''));
}

function serializeError(error: Error, ctx: SanitizeContext, depth: number): LogFields {
  const { code, status } = error as { code?: unknown; status?: unknown };
  const out: LogFields = { name: ctx.scrub(error.name), message: ctx.scrub(error.message) };
  if (code !== undefined) out.code = sanitize(code, ctx, depth + 1);
  if (status !== undefined) out.status = sanitize(status, ctx, depth + 1);
  if (ctx.withStack && error.stack) out.stack = ctx.scrub(error.stack);
  if (error.cause !== undefined) out.cause = sanitize(error.cause, ctx, depth + 1);
  return out;
}
