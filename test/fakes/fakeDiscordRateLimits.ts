import { createHash } from 'node:crypto';
import type { RouteAnswer } from './fakeDiscordRest.ts';
import type { RecordedRequest } from './fakeDiscordState.ts';

/**
 * Discord's rate limits (https://discord.com/developers/docs/topics/rate-limits), on in the fake unless
 * a test turns them off with `FakeDiscord.start({ rateLimits: false })`. Each route has a bucket per
 * top-level resource (channel, guild, webhook + token), announced on every answer in X-RateLimit-*
 * headers; bot-token requests also share a global 50 per second, from which interaction callbacks and
 * interaction-token webhooks are exempt. A request over either limit is answered 429 and does not count.
 */
export interface RateLimitOptions {
  globalPerSecond?: number;
  /** Overrides of the per-route limits, by bucket name (see `bucketFor`). */
  buckets?: Partial<Record<BucketName, { limit: number; windowMs: number }>>;
}

type BucketName = 'reactions' | 'channel_messages' | 'message_edit' | 'message_delete' | 'interaction_callback' | 'interaction_webhook' | 'default';

/** What Discord announces for these routes today (5 per 5 s for messages; one reaction per 250 ms). */
const defaultBuckets: Record<BucketName, { limit: number; windowMs: number }> = {
  reactions: { limit: 1, windowMs: 250 },
  channel_messages: { limit: 5, windowMs: 5_000 },
  message_edit: { limit: 5, windowMs: 5_000 },
  message_delete: { limit: 5, windowMs: 1_000 },
  interaction_callback: { limit: 5, windowMs: 5_000 },
  interaction_webhook: { limit: 5, windowMs: 5_000 },
  default: { limit: 5, windowMs: 5_000 },
};

interface Window { count: number; resetAt: number }

/** The bucket a request falls in and its major parameter (the part that gets its own counter). */
export function bucketFor(method: string, path: string): { name: BucketName; major: string; exemptFromGlobal: boolean } {
  const s = path.split('/');
  if (s[1] === 'interactions') return { name: 'interaction_callback', major: s[2] ?? '', exemptFromGlobal: true };
  if (s[1] === 'webhooks') return { name: 'interaction_webhook', major: `${s[2]}/${s[3]}`, exemptFromGlobal: true };
  if (s[1] === 'channels') {
    const channel = s[2] ?? '';
    // Adding and removing a reaction are two routes, each with its own bucket per channel.
    if (s[5] === 'reactions') return { name: 'reactions', major: `${method} ${channel}`, exemptFromGlobal: false };
    if (s[3] === 'messages' && s.length === 4 && method === 'POST') return { name: 'channel_messages', major: channel, exemptFromGlobal: false };
    if (s[3] === 'messages' && s.length === 5 && method === 'PATCH') return { name: 'message_edit', major: channel, exemptFromGlobal: false };
    if (s[3] === 'messages' && s.length === 5 && method === 'DELETE') return { name: 'message_delete', major: channel, exemptFromGlobal: false };
    return { name: 'default', major: `${method} channels/${channel}/${s.slice(3).map((p) => (/^\d+$/.test(p) ? ':id' : p)).join('/')}`, exemptFromGlobal: false };
  }
  const template = s.slice(1).map((p) => (/^\d+$/.test(p) ? ':id' : p)).join('/');
  const guild = s[1] === 'guilds' ? s[2] ?? '' : '';
  return { name: 'default', major: `${method} ${template} ${guild}`, exemptFromGlobal: false };
}

const hashOf = (name: string) => createHash('sha1').update(name).digest('hex').slice(0, 16);

export class FakeRateLimits {
  /** Every 429 this limiter answered, by kind. */
  readonly provoked = { route: 0, global: 0 };
  private readonly windows = new Map<string, Window>();
  private global: Window = { count: 0, resetAt: 0 };
  private readonly globalPerSecond: number;
  private readonly buckets: Record<BucketName, { limit: number; windowMs: number }>;

  constructor(opts: RateLimitOptions = {}, private readonly now: () => number = Date.now) {
    this.globalPerSecond = opts.globalPerSecond ?? 50;
    this.buckets = { ...defaultBuckets, ...opts.buckets };
  }

  /** A 429 to answer with instead of routing the request, or the headers to add to the routed answer. */
  check(req: RecordedRequest): { limited: RouteAnswer } | { headers: Record<string, string> } {
    const now = this.now();
    const bucket = bucketFor(req.method, req.path);
    const rule = this.buckets[bucket.name];
    const key = `${bucket.name} ${bucket.major}`;
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) this.windows.set(key, (window = { count: 0, resetAt: now + rule.windowMs }));
    if (!bucket.exemptFromGlobal) {
      if (now >= this.global.resetAt) this.global = { count: 0, resetAt: now + 1000 };
      if (this.global.count >= this.globalPerSecond) {
        this.provoked.global++;
        return { limited: tooManyRequests((this.global.resetAt - now) / 1000, 'global', {}) };
      }
    }
    const headers = (remaining: number): Record<string, string> => ({
      'X-RateLimit-Limit': String(rule.limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': ((window as Window).resetAt / 1000).toFixed(3),
      'X-RateLimit-Reset-After': (((window as Window).resetAt - now) / 1000).toFixed(3),
      'X-RateLimit-Bucket': hashOf(bucket.name === 'default' || bucket.name === 'reactions' ? `${bucket.name} ${bucket.major.replace(/ ?\d*$/, '')}` : bucket.name),
    });
    if (window.count >= rule.limit) {
      this.provoked.route++;
      return { limited: tooManyRequests((window.resetAt - now) / 1000, 'user', headers(0)) };
    }
    window.count++;
    if (!bucket.exemptFromGlobal) this.global.count++;
    return { headers: headers(rule.limit - window.count) };
  }
}

/** `user`: the bot's own limit on a route; `global`: its 50 per second; `shared`: a resource's limit, shared by everyone using it. */
export type RateLimitScope = 'user' | 'global' | 'shared';

/**
 * A 429 as Discord sends it (topics/rate-limits#exceeding-a-rate-limit): `retry_after` in the body is
 * a float in seconds, the `Retry-After` header the same rounded up to whole seconds, and
 * `X-RateLimit-Scope` tells whose limit it was (sent only on 429s).
 */
export function tooManyRequests(retryAfterSec: number, scope: RateLimitScope, headers: Record<string, string>): RouteAnswer {
  const retryAfter = Math.max(0.001, Math.round(retryAfterSec * 1000) / 1000);
  const global = scope === 'global';
  return {
    status: 429,
    body: { message: 'You are being rate limited.', retry_after: retryAfter, global },
    headers: {
      ...headers,
      'Retry-After': String(Math.ceil(retryAfter)),
      'X-RateLimit-Scope': scope,
      ...(global ? { 'X-RateLimit-Global': 'true' } : {}),
    },
  };
}
