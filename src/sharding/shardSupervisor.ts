import type { Clock, TimerHandle } from '../clock.ts';
import type { Logger } from '../logger.ts';

/** One shard process as the supervisor sees it (discord.js's `Shard`, behind a small adapter). */
export interface SupervisedProcess {
  readonly id: number;
  /** How many IDENTIFYs a start spends: one per Discord shard the process runs. */
  readonly identifiesPerStart: number;
  /** Starts the process; resolves once it is ready, rejects if it dies, disconnects or times out first. */
  start(): Promise<void>;
  /** Ends a process that is still running after a failed start. */
  kill(): void;
}

/** `session_start_limit` of GET /gateway/bot: the day's IDENTIFY budget. */
export interface SessionStartLimit {
  total: number;
  remaining: number;
  resetAfterMs: number;
}

export interface SupervisorDeps {
  clock: Clock;
  logger: Logger;
  /** 0 ≤ x < 1, for the jitter. */
  random: () => number;
  readSessionStartLimit: () => Promise<SessionStartLimit>;
  /** First delay before a restart; it doubles with each failed attempt, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A process that ran this long before it died starts over from the first delay. */
  stableAfterMs?: number;
}

const defaults = { baseDelayMs: 2_000, maxDelayMs: 5 * 60_000, stableAfterMs: 10 * 60_000 };

/**
 * Session starts kept back for the processes that are still running: each may need to IDENTIFY again
 * after a lost session, and at zero Discord resets the bot's token (events/gateway#identifying).
 */
export function identifyReserve(total: number): number {
  return Math.max(10, Math.ceil(total / 20));
}

/** Exponential backoff with "equal jitter": half the delay is fixed, half random, so processes spread out. */
export function restartDelayMs(attempt: number, random: number, base = defaults.baseDelayMs, max = defaults.maxDelayMs): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random * (ceiling / 2));
}

/**
 * Restarts dead shard processes itself, instead of discord.js's immediate respawn (which, when a
 * replacement dies before READY, rejects unobserved and takes the manager down). Every restart waits
 * a backoff that grows with each failure, and first reads the day's IDENTIFY budget: while what is
 * left is within the reserve, it stops restarting, says so loudly, and tries again when Discord
 * renews the budget.
 */
export function createShardSupervisor(deps: SupervisorDeps) {
  const { clock, logger } = deps;
  const baseDelayMs = deps.baseDelayMs ?? defaults.baseDelayMs;
  const maxDelayMs = deps.maxDelayMs ?? defaults.maxDelayMs;
  const stableAfterMs = deps.stableAfterMs ?? defaults.stableAfterMs;
  const timers = new Set<{ handle: TimerHandle; wake: () => void }>();
  const restarting = new Set<number>();
  /** When each process last became ready, and the attempts since it last ran stably. */
  const readyAt = new Map<number, number>();
  const attempts = new Map<number, number>();
  let stopped = false;

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = { handle: clock.setTimeout(() => { timers.delete(timer); resolve(); }, ms), wake: resolve };
    timers.add(timer);
  });

  /** Whether a start may spend its IDENTIFYs now; otherwise how long until Discord renews the budget. */
  async function budgetAllows(process: SupervisedProcess): Promise<{ ok: true } | { ok: false; waitMs: number }> {
    let limit: SessionStartLimit;
    try {
      limit = await deps.readSessionStartLimit();
    } catch (err) {
      // No IDENTIFY without knowing the budget: this counts as a failed attempt.
      logger.warn('shard_restart_budget_unknown', { process: process.id, err });
      return { ok: false, waitMs: 0 };
    }
    const reserve = identifyReserve(limit.total);
    if (limit.remaining - process.identifiesPerStart >= reserve) return { ok: true };
    logger.error('shard_restarts_stopped', {
      process: process.id, remaining: limit.remaining, total: limit.total, reserve, resumesInMs: limit.resetAfterMs,
      action: 'Discord resets the bot token when the day\'s identifies run out; restarts resume when the budget renews',
    });
    return { ok: false, waitMs: limit.resetAfterMs };
  }

  async function restart(process: SupervisedProcess): Promise<void> {
    let attempt = attempts.get(process.id) ?? 0;
    while (!stopped) {
      const delayMs = restartDelayMs(attempt, deps.random(), baseDelayMs, maxDelayMs);
      logger.warn('shard_process_restart_scheduled', { process: process.id, attempt: attempt + 1, delayMs });
      await sleep(delayMs);
      if (stopped) return;
      const budget = await budgetAllows(process);
      if (!budget.ok) {
        if (budget.waitMs > 0) await sleep(budget.waitMs + deps.random() * baseDelayMs);
        else attempt += 1;
        continue;
      }
      try {
        await process.start();
        readyAt.set(process.id, clock.now());
        attempts.set(process.id, attempt + 1);
        logger.info('shard_process_restarted', { process: process.id, attempt: attempt + 1 });
        return;
      } catch (err) {
        attempt += 1;
        logger.error('shard_process_restart_failed', { process: process.id, attempt, err });
        process.kill();
      }
    }
  }

  /** A process exited: restart it unless a restart is under way or the manager is stopping. */
  function died(process: SupervisedProcess): void {
    if (stopped || restarting.has(process.id)) return;
    const ranFor = clock.now() - (readyAt.get(process.id) ?? clock.now());
    if (ranFor >= stableAfterMs) attempts.set(process.id, 0);
    restarting.add(process.id);
    void restart(process)
      .catch((err: unknown) => logger.error('shard_process_restart_failed', { process: process.id, err }))
      .finally(() => restarting.delete(process.id));
  }

  return {
    /** The first start of a process; a failure leaves it to the restart loop. */
    async start(process: SupervisedProcess): Promise<boolean> {
      try {
        await process.start();
        readyAt.set(process.id, clock.now());
        return true;
      } catch (err) {
        logger.error('shard_process_start_failed', { process: process.id, err });
        process.kill();
        died(process);
        return false;
      }
    },
    died,
    /** Whether a restart of this process is under way (its deaths meanwhile are the restart's own). */
    isRestarting: (id: number) => restarting.has(id),
    stop(): void {
      stopped = true;
      for (const timer of timers) {
        clock.clearTimeout(timer.handle);
        timer.wake();
      }
      timers.clear();
    },
  };
}

export type ShardSupervisor = ReturnType<typeof createShardSupervisor>;
