import type { JobContext } from './jobContext.ts';
import { createJobSubmitter } from './jobSubmitter.ts';
import type { PlaceWithdrawals } from './placeWithdrawals.ts';

/**
 * Submissions on the wire at once. A burst of a thousand accepted jobs then reaches the provider as
 * a steady stream instead of a thousand simultaneous connections and a thousand back-to-back fsyncs
 * that would stall the event loop (and with it every acknowledgement still to be sent).
 */
const maxParallelPosts = 8;
const queuePositionsShown = 50;
const queuePositionsEveryMs = 1_000;
/** The scheduler keys of the queue's own timers (job ids start at 1). */
const queueTimerKey = 0;
const probeTimerKey = -1;
const queuePositionsTimerKey = -2;

export interface SubmissionQueueOptions {
  /** Jobs whose place the allow-lists no longer admit are withdrawn when claimed, never sent. */
  withdrawals: PlaceWithdrawals;
  /** How often a provider that refused the account is asked whether it serves again. */
  probeIntervalMs: number;
}

/**
 * Which queued job goes to the provider, and when: the oldest due one, while `MAX_CONCURRENT_JOBS`
 * allows, the provider is not holding the account back, and start-up has released the queue. The
 * claim itself skips paused servers (their jobs wait, the others' go ahead); a claimed job of a place
 * the allow-lists no longer admit is withdrawn instead of sent. One job's POST is jobSubmitter.ts's.
 */
export function createSubmissionQueue(ctx: JobContext, opts: SubmissionQueueOptions) {
  const { store, clock, logger } = ctx;
  let wakeAt: number | null = null;
  let postsInFlight = 0;
  let positionsPending = false;
  /** A claim loop is running; a kick meanwhile sets `kickAgain` so the loop runs once more after it. */
  let claiming = false;
  let kickAgain = false;
  /** While held (at start, until every job's server and channel are known to exist), nothing is claimed. */
  let held = false;

  const submitter = createJobSubmitter(ctx, {
    // A 429 is about the account, not one job: no job is sent before its Retry-After has passed, by
    // any process (ProviderHealth shares the hold between hosts).
    accountRefused: (until) => ctx.health.holdSubmissions(until),
    wakeAt: (at) => kickAt(at),
  });

  function kickAt(at: number): void {
    if (wakeAt !== null && wakeAt <= at) return;
    wakeAt = at;
    ctx.schedule(queueTimerKey, Math.max(0, at - clock.now()), () => {
      wakeAt = null;
      kick();
    });
  }

  /**
   * The queue moved: the jobs still waiting show their new positions (the first few, which move
   * soonest), once per second at most however fast the queue drains.
   */
  function showQueuePositionsSoon(): void {
    if (positionsPending) return;
    positionsPending = true;
    ctx.schedule(queuePositionsTimerKey, queuePositionsEveryMs, async () => {
      positionsPending = false;
      for (const id of await store.firstQueuedJobIds(queuePositionsShown)) void ctx.status.refresh(id);
    });
  }

  /**
   * One claim loop at a time: the claims are awaited, and two loops interleaving would each see
   * `postsInFlight` below the bound and together put more than `parallelPosts` on the wire.
   */
  function kick(): void {
    if (held) return;
    if (claiming) {
      kickAgain = true;
      return;
    }
    claiming = true;
    ctx.track(claimWhileFree().finally(() => {
      claiming = false;
      if (!kickAgain) return;
      kickAgain = false;
      kick();
    }));
  }

  async function claimWhileFree(): Promise<void> {
    if (!ctx.health.isAvailable()) return;
    // While a burst of commands is being acknowledged, submissions trickle (one at a time) so they
    // do not compete with it; the burst's own follow-up work kicks again once it is over.
    const parallelPosts = ctx.acknowledging() ? 1 : maxParallelPosts;
    // One reading of the clock for the claims and the wake-up below: a retry that falls due between
    // two readings would be neither claimed nor given a timer, and would wait until something else kicks.
    const now = clock.now();
    const heldUntil = ctx.health.heldUntil();
    if (now < heldUntil) return kickAt(heldUntil);
    let claimed = false;
    while (postsInFlight < parallelPosts) {
      const job = await store.claimForSubmission(ctx.settings.maxConcurrentJobs, now);
      if (!job) break;
      claimed = true;
      const refusal = opts.withdrawals.refusal(job);
      if (refusal) {
        await opts.withdrawals.claimed(job, refusal);
        continue;
      }
      postsInFlight++;
      ctx.track(submitter.submit(job).finally(() => {
        postsInFlight--;
        kick();
      }));
    }
    if (claimed) showQueuePositionsSoon();
    // A due job left in the queue waits for a free slot (slotFreed kicks); only future retries need a timer.
    const nextRetry = await store.earliestQueuedRetryAt();
    if (nextRetry !== null && nextRetry > now) kickAt(nextRetry);
  }

  async function probeProvider(): Promise<void> {
    if (ctx.health.isAvailable()) return;
    try {
      const balance = await ctx.apimart.getBalance();
      if (balance.unlimited || balance.remainingUsd === null || balance.remainingUsd > 0) {
        ctx.health.markAvailable();
        logger.info('provider_available_again');
        kick();
        return;
      }
    } catch (err) {
      logger.warn('provider_probe_failed', { err });
    }
    probeProviderLater();
  }

  function probeProviderLater(): void {
    ctx.schedule(probeTimerKey, opts.probeIntervalMs, probeProvider);
  }

  return {
    kick,
    /** The provider refused the account (401/402/403): ask it now and then until it serves again. */
    probeProviderLater,
    /** Nothing is claimed until release(): start-up checks first that jobs still have a place. */
    hold(): void {
      held = true;
    },
    release(): void {
      held = false;
      kick();
    },
  };
}

export type SubmissionQueue = ReturnType<typeof createSubmissionQueue>;
