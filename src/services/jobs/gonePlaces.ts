import type { GonePlaceCode, JobStore } from '../../db/jobStore.ts';
import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import type { JobScheduler } from './jobScheduler.ts';
import type { DmNotice } from './userNotices.ts';

/** Whether a server and channel still exist for the bot. */
export type PlaceLookup = (place: { guildId: string; channelId: string }) => Promise<'here' | GonePlaceCode>;

export interface GonePlacesDeps {
  store: JobStore;
  scheduler: JobScheduler;
  clock: Clock;
  logger: Logger;
  /** A job's channel is gone for the bot (e.g. to drop its queued reaction writes). */
  onChannelGone?: (channelId: string) => void;
  /** DMs that wait out Discord's 40003 (directMessages.ts). */
  dmNotice: DmNotice;
}

/**
 * When the bot is removed from a server or a channel is deleted, nothing more is spent there: every
 * job not yet at the provider is cancelled and released (one transaction each), and jobs already at
 * the provider are marked to talk to their requester by DM from then on.
 */
export function createGonePlaces(deps: GonePlacesDeps) {
  const { store, scheduler, clock, logger } = deps;

  async function tellCancelled(job: Job, code: GonePlaceCode): Promise<void> {
    await deps.dmNotice(job.userId, { content: messagesFor(job.locale).placeGoneCancelled(job.id, code) }, { event: 'place_gone_notice', jobId: job.id });
  }

  /** Returns how many jobs were affected (cancelled, or marked to deliver by DM). */
  async function leave(jobIds: number[], code: GonePlaceCode): Promise<number> {
    let affected = 0;
    for (const id of jobIds) {
      const left = await store.leaveGonePlace(id, code, clock.now());
      if (!left) continue;
      affected++;
      deps.onChannelGone?.(left.job.channelId);
      logger.info('job_place_gone', { jobId: id, userId: left.job.userId, code, cancelled: left.cancelled, status: left.job.status });
      if (left.cancelled) {
        scheduler.cancelled(left.job);
        void tellCancelled(left.job, code);
      }
    }
    return affected;
  }

  return {
    /** GUILD_DELETE without `unavailable`: the bot was removed (kicked, banned, or the server deleted). */
    async guildRemoved(guildId: string): Promise<number> {
      return leave(await store.unfinishedJobIdsInGuild(guildId), 'guild_removed');
    },
    /** CHANNEL_DELETE / THREAD_DELETE; a deleted channel takes its threads with it. */
    async channelsDeleted(channelIds: readonly string[]): Promise<number> {
      return leave(await store.unfinishedJobIdsInChannels(channelIds), 'channel_deleted');
    },
    /**
     * At start, before anything is submitted: jobs whose server or channel vanished while the bot was
     * down. Each server and channel with unfinished jobs is looked up once, however many jobs wait there.
     */
    async checkUnfinished(lookup: PlaceLookup): Promise<number> {
      let gone = 0;
      const removedGuilds = new Set<string>();
      for (const place of await store.placesOfUnfinishedJobs()) {
        if (removedGuilds.has(place.guildId)) continue;
        const where = await lookup(place).catch((err: unknown) => {
          logger.warn('place_check_failed', { guildId: place.guildId, channelId: place.channelId, err });
          return 'here' as const;
        });
        if (where === 'guild_removed') removedGuilds.add(place.guildId);
        if (where === 'guild_removed') gone += await leave(await store.unfinishedJobIdsInGuild(place.guildId), where);
        else if (where === 'channel_deleted') gone += await leave(await store.unfinishedJobIdsInChannels([place.channelId]), where);
      }
      return gone;
    },
  };
}

export type GonePlaces = ReturnType<typeof createGonePlaces>;
