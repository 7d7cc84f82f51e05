/**
 * Discord's limits on starting gateway sessions
 * (https://discord.com/developers/docs/events/gateway#identifying and #session-start-limit-object):
 * - one IDENTIFY per 5 seconds in each of `max_concurrency` buckets, the bucket of a shard being
 *   `shard_id % max_concurrency`; an IDENTIFY over it is answered with Invalid Session (op 9);
 * - a daily budget of session starts (`total`, 1,000 for most bots), of which `remaining` is left
 *   until `reset_after` ms from now. RESUMEs do not count. An IDENTIFY once it is spent terminates
 *   every session and resets the bot's token.
 */
export interface SessionStartOptions {
  total?: number;
  /** Session starts left today (default: `total`). */
  remaining?: number;
  /** Until the budget is whole again (default 24 h). */
  resetAfterMs?: number;
}

export type IdentifyVerdict = 'accepted' | 'too_soon' | 'budget_spent';

const identifyWindowMs = 5_000;
const dayMs = 24 * 60 * 60_000;

export class IdentifyLimits {
  readonly total: number;
  private remaining: number;
  private resetAt: number;
  /** The last accepted IDENTIFY of each rate-limit bucket. */
  private readonly lastIdentifyAt = new Map<number, number>();

  constructor(
    private readonly maxConcurrency: number,
    opts: SessionStartOptions,
    private readonly now: () => number,
  ) {
    this.total = opts.total ?? 1_000;
    this.remaining = Math.min(this.total, opts.remaining ?? this.total);
    this.resetAt = now() + (opts.resetAfterMs ?? dayMs);
  }

  /** `session_start_limit` as GET /gateway/bot reports it now. */
  sessionStartLimit() {
    this.renew();
    return { total: this.total, remaining: this.remaining, reset_after: Math.max(0, this.resetAt - this.now()), max_concurrency: this.maxConcurrency };
  }

  take(shardId: number): IdentifyVerdict {
    this.renew();
    const bucket = shardId % this.maxConcurrency;
    const last = this.lastIdentifyAt.get(bucket);
    const now = this.now();
    if (last !== undefined && now - last < identifyWindowMs) return 'too_soon';
    if (this.remaining <= 0) return 'budget_spent';
    this.remaining -= 1;
    this.lastIdentifyAt.set(bucket, now);
    return 'accepted';
  }

  private renew(): void {
    const now = this.now();
    if (now < this.resetAt) return;
    this.remaining = this.total;
    this.resetAt = now + dayMs;
  }
}
