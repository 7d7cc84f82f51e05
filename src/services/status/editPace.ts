/**
 * The bot-wide pace of status edits through interaction tokens. Discord limits those per token and
 * exempts them from the global 50 requests a second, so the pace is the bot's own choice: fast enough
 * that a thousand jobs' cards stay fresh, and halved on any 429 (then climbing back a little each
 * second without one). A 429 whose scope is `shared` is a limit on a resource others use too: no edit
 * leaves until its Retry-After has passed.
 */
export interface EditPaceOptions {
  maxPerSecond?: number;
  minPerSecond?: number;
  /** Added back to the rate for each second without a 429. */
  recoveryPerSecond?: number;
}

export interface RateLimitSeen { retryAfterMs: number; scope: string }

export function createEditPace(now: () => number, opts: EditPaceOptions = {}) {
  const max = opts.maxPerSecond ?? 200;
  const min = opts.minPerSecond ?? 5;
  const recovery = opts.recoveryPerSecond ?? 10;
  let rate = max;
  let limitedAt = -Infinity;
  let pausedUntil = -Infinity;
  /** Edits may leave in short bursts of a fifth of a second's worth; tokens refill at the rate. */
  let tokens = max / 5;
  let refilledAt = now();

  const currentRate = (t: number) => Math.min(max, rate + Math.max(0, Math.floor((t - limitedAt) / 1000)) * recovery);

  function refill(t: number): void {
    const r = currentRate(t);
    tokens = Math.min(Math.max(1, r / 5), tokens + ((t - refilledAt) / 1000) * r);
    refilledAt = t;
  }

  return {
    /** How long until the next edit may leave; 0 when one may leave now. */
    waitMs(): number {
      const t = now();
      if (t < pausedUntil) return pausedUntil - t;
      refill(t);
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / currentRate(t)) * 1000);
    },
    /** One edit leaves. */
    take(): void {
      refill(now());
      tokens -= 1;
    },
    /** Discord answered 429 on an interaction route. */
    limited(seen: RateLimitSeen): void {
      const t = now();
      rate = Math.max(min, Math.floor(currentRate(t) / 2));
      limitedAt = t;
      tokens = Math.min(tokens, 0);
      if (seen.scope === 'shared') pausedUntil = Math.max(pausedUntil, t + seen.retryAfterMs);
    },
    perSecond: () => currentRate(now()),
  };
}

export type EditPace = ReturnType<typeof createEditPace>;
