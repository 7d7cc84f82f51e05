/**
 * A provider that behaves like one, for the fake apimart (opt-in): tasks wait in the provider's queue,
 * run between half and twice their estimate, report uneven progress (stalls, jumps, a long sit at
 * 99 %), and some polls are refused with 429 + Retry-After or a 5xx. All of it from a seed, so two
 * runs that create tasks in the same order see the same tasks.
 */
export interface ProviderModelOptions {
  seed: number;
  /** Time in the provider's queue, as a fraction of the estimate: uniform in [min, max]. */
  queueFraction?: [number, number];
  /** Real run time ÷ estimate: log-uniform in [min, max]. */
  durationFactor?: [number, number];
  /** Chance that a poll is answered 429 with Retry-After (1–3 s). */
  rateLimitChance?: number;
  /** Chance that a poll is answered 500, 502 or 503. */
  serverErrorChance?: number;
}

export interface ModelledTask {
  queueMs: number;
  runMs: number;
  /** Progress (0–99) the provider reports `elapsedMs` into the run. */
  progressAt(elapsedMs: number): number;
}

export type PollFault = { status: 429; retryAfterSec: number } | { status: 500 | 502 | 503 } | undefined;

/** mulberry32: small, fast, and good enough to spread test tasks. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createProviderModel(opts: ProviderModelOptions) {
  // Separate streams: how often the bot polls must not change which tasks the next run gets.
  const taskRandom = seeded(opts.seed);
  const faultRandom = seeded(opts.seed ^ 0x5eed);
  const [queueMin, queueMax] = opts.queueFraction ?? [0.05, 0.5];
  const [factorMin, factorMax] = opts.durationFactor ?? [0.5, 2];
  const between = (random: () => number, min: number, max: number) => min + (max - min) * random();

  return {
    task(estimateSec: number): ModelledTask {
      const estimateMs = estimateSec * 1000;
      const queueMs = Math.round(estimateMs * between(taskRandom, queueMin, queueMax));
      const factor = Math.exp(between(taskRandom, Math.log(factorMin), Math.log(factorMax)));
      const runMs = Math.round(estimateMs * factor);
      // Progress follows the provider's estimate, not the real run: a slow task sits at 99, a fast one jumps to done.
      const perSecond = 100_000 / estimateMs;
      const steps: number[] = [0];
      let progress = 0;
      for (let t = 1_000; t < runMs; t += 1_000) {
        const roll = taskRandom();
        if (roll < 0.2) progress += 0; // stall
        else if (roll < 0.3) progress += perSecond * between(taskRandom, 2, 6); // jump
        else progress += perSecond * between(taskRandom, 0.4, 1.4);
        progress = Math.min(99, progress);
        steps.push(Math.floor(progress));
      }
      return {
        queueMs, runMs,
        progressAt: (elapsedMs) => steps[Math.min(steps.length - 1, Math.max(0, Math.floor(elapsedMs / 1000)))] ?? 0,
      };
    },
    pollFault(): PollFault {
      const roll = faultRandom();
      if (roll < (opts.rateLimitChance ?? 0)) return { status: 429, retryAfterSec: 1 + Math.floor(faultRandom() * 3) };
      if (roll < (opts.rateLimitChance ?? 0) + (opts.serverErrorChance ?? 0)) {
        return { status: ([500, 502, 503] as const)[Math.floor(faultRandom() * 3)] ?? 500 };
      }
      return undefined;
    },
  };
}

export type ProviderModel = ReturnType<typeof createProviderModel>;
