import { RESTJSONErrorCodes } from 'discord.js';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { Logger } from '../../logger.ts';
import { discordErrorCode, type DiscordMessenger, type OutgoingMessage } from './discordMessenger.ts';

/** The first hold after a 40003, doubled on each one that follows while held, up to the last. */
const firstHoldMs = 30_000;
const longestHoldMs = 10 * 60_000;
/** A notice is tried this many times in all before it is given up (and logged). */
const noticeAttempts = 6;

/**
 * Discord answers 40003 ("You are opening direct messages too fast") with a 403: the DM itself is fine
 * and goes through later, but every further try while Discord still refuses is one more invalid request
 * towards its ban at 10,000 in 10 minutes. While held, no DM is sent at all.
 */
export class DmsHeldError extends Error {
  override readonly name = 'DmsHeldError';
  constructor(readonly retryAt: number) {
    super(`direct messages held until ${new Date(retryAt).toISOString()} after Discord's 40003`);
  }
}

/** Discord's 40003, or the hold it started: a DM to try again later, never a reason to give up on one. */
export function isDmThrottled(err: unknown): boolean {
  return err instanceof DmsHeldError || discordErrorCode(err) === RESTJSONErrorCodes.OpeningDirectMessagesTooFast;
}

export interface DmNoticeContext { event: string; jobId?: number }

/**
 * Every DM the bot opens goes through here. After a 40003 all DMs wait, bot-wide (this process), for a
 * hold that grows while Discord keeps refusing: `messenger.dm` then throws DmsHeldError at once without
 * a request, which callers treat as temporary. Notices (`notice`) wait out the hold and are sent then.
 */
export function createDirectMessages(deps: { messenger: DiscordMessenger; clock: Clock; logger: Logger }) {
  const { messenger: inner, clock, logger } = deps;
  let heldUntil = 0;
  let nextHoldMs = firstHoldMs;
  const waiting = new Map<TimerHandle, () => void>();
  let lane: Promise<void> = Promise.resolve();
  let stopped = false;

  async function unlessHeld<T>(open: () => Promise<T>): Promise<T> {
    const now = clock.now();
    if (now < heldUntil) throw new DmsHeldError(heldUntil);
    try {
      const result = await open();
      nextHoldMs = firstHoldMs;
      return result;
    } catch (err) {
      if (isDmThrottled(err)) {
        // Several DMs may have been on their way: only the first answer after the hold starts one.
        if (clock.now() >= heldUntil) {
          heldUntil = clock.now() + nextHoldMs;
          logger.warn('dms_held', { holdMs: nextHoldMs, retryAt: heldUntil });
          nextHoldMs = Math.min(longestHoldMs, nextHoldMs * 2);
        }
      }
      throw err;
    }
  }

  const messenger: DiscordMessenger = {
    ...inner,
    dm: (userId: string, message: OutgoingMessage) => unlessHeld(() => inner.dm(userId, message)),
    dmChannelId: (userId: string) => unlessHeld(() => inner.dmChannelId(userId)),
  };

  /** Resolves true once the hold has passed (false when the process stops first). */
  function holdPassed(): Promise<boolean> {
    if (stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => {
        waiting.delete(timer);
        resolve(!stopped);
      }, Math.max(0, heldUntil - clock.now()));
      waiting.set(timer, () => resolve(false));
    });
  }

  /**
   * After a hold, the notices that waited go one at a time: sent together, they would all reach
   * Discord before its first answer could say that it still refuses.
   */
  function oneAtATime(send: () => Promise<void>): Promise<void> {
    const turn = lane.then(send);
    lane = turn.catch(() => undefined);
    return turn;
  }

  /** Resolves once sent, or once it failed for good (logged): callers need not wait for it. */
  async function notice(userId: string, message: OutgoingMessage, context: DmNoticeContext): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await (attempt === 1 ? messenger.dm(userId, message) : oneAtATime(async () => { await messenger.dm(userId, message); }));
        return;
      } catch (err) {
        if (!isDmThrottled(err) || attempt >= noticeAttempts) {
          logger.info('dm_notice_failed', { ...context, userId, attempt, code: discordErrorCode(err), err });
          return;
        }
        if (!await holdPassed()) return;
      }
    }
  }

  return {
    messenger,
    notice,
    /** Pending notices are dropped: the process is stopping. */
    stop(): void {
      stopped = true;
      for (const [timer, cancel] of waiting) {
        clock.clearTimeout(timer);
        cancel();
      }
      waiting.clear();
    },
  };
}

export type DirectMessages = ReturnType<typeof createDirectMessages>;
