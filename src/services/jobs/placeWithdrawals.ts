import type { Clock } from '../../clock.ts';
import type { Job, JobStatus } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { Logger } from '../../logger.ts';
import { placeRefusal, type AllowLists, type PlaceRefusal } from './placeGates.ts';
import type { UserNotices } from './userNotices.ts';

/** Nothing of a job in these states has left the process: it can still end without a charge. */
const unsent: readonly JobStatus[] = ['awaiting_confirmation', 'queued'];

export interface PlaceWithdrawalsDeps {
  store: JobStore;
  clock: Clock;
  logger: Logger;
  allowLists: AllowLists;
  notify: UserNotices;
  /** The job ended here: its card shows it, its timers go. */
  ended(job: Job): void;
}

/**
 * Jobs of a server or channel that ALLOWED_GUILD_IDS / ALLOWED_CHANNEL_IDS no longer admit end before
 * anything is sent: one transaction each, with the release in the ledger, and the requester told by
 * DM (the place is not one the bot serves any more). A job already at the provider goes on: it is paid.
 */
export function createPlaceWithdrawals(deps: PlaceWithdrawalsDeps) {
  const { store, clock, logger } = deps;

  function told(job: Job, why: PlaceRefusal, when: 'start' | 'claim'): void {
    logger.warn('job_place_not_allowed', { jobId: job.id, userId: job.userId, guildId: job.guildId, channelId: job.channelId, code: why, when });
    deps.ended(job);
    void deps.notify(job, messagesFor(job.locale).placeNotAllowedCancelled(job.id, why), true);
  }

  return {
    refusal: (job: Pick<Job, 'guildId' | 'channelId'>) => placeRefusal(deps.allowLists, job.guildId, job.channelId),

    /** At start, before anything is submitted: the lists may have changed across the restart. Returns the ids withdrawn. */
    async atStart(jobs: readonly Job[]): Promise<Set<number>> {
      const withdrawn = new Set<number>();
      for (const job of jobs) {
        const why = unsent.includes(job.status) ? placeRefusal(deps.allowLists, job.guildId, job.channelId) : undefined;
        if (!why) continue;
        const cancelled = await store.endBeforeSubmission(job.id, 'cancelled', why, clock.now());
        if (!cancelled) continue;
        withdrawn.add(job.id);
        told(cancelled, why, 'start');
      }
      return withdrawn;
    },

    /**
     * Claimed for its POST, but its place is not allowed here: another process, started with other
     * lists, accepted it. It fails before the POST, released.
     */
    async claimed(job: Job, why: PlaceRefusal): Promise<void> {
      const failed = await store.endBeforeSubmission(job.id, 'failed', why, clock.now());
      if (failed) told(failed, why, 'claim');
    },
  };
}

export type PlaceWithdrawals = ReturnType<typeof createPlaceWithdrawals>;
