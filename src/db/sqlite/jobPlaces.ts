import { writeTransaction } from './busyRetry.ts';
import { inList } from './jobQueries.ts';
import { unfinishedStatuses, type Job } from '../job.ts';
import type { GonePlaceCode } from '../jobStore.ts';
import type { Db } from './openDatabase.ts';

type EndBeforeSubmission = (id: number, to: 'cancelled', code: string, now: number) => Job | undefined;

/** Jobs whose server or channel disappeared while they were unfinished. */
export function createJobPlaces(db: Db, read: (id: number) => Job | undefined, endBeforeSubmission: EndBeforeSubmission) {
  // Through the partial indexes of unfinished jobs, so a vanished server or channel costs what is in flight.
  const unfinished = `status IN (${inList(unfinishedStatuses)})`;
  const inGuild = db.prepare<[string], { id: number }>(`SELECT id FROM jobs INDEXED BY jobs_unfinished_by_guild WHERE guild_id = ? AND ${unfinished} ORDER BY id`);
  const inChannels = (count: number) => db.prepare<string[], { id: number }>(
    `SELECT id FROM jobs INDEXED BY jobs_unfinished WHERE channel_id IN (${Array(count).fill('?').join(', ')}) AND ${unfinished} ORDER BY id`);
  const markGone = db.prepare('UPDATE jobs SET place_gone = COALESCE(place_gone, ?), updated_at = ? WHERE id = ?');

  return {
    unfinishedJobIdsInGuild: (guildId: string) => inGuild.all(guildId).map((r) => r.id),
    unfinishedJobIdsInChannels: (channelIds: readonly string[]) =>
      channelIds.length === 0 ? [] : inChannels(channelIds.length).all(...channelIds).map((r) => r.id),

    /**
     * One job, one transaction: the place is marked gone and, if the job was not yet sent to the
     * provider, it is cancelled with its reservation released. A job already at the provider keeps
     * going and is delivered by DM.
     */
    leaveGonePlace: writeTransaction(db, (id: number, code: GonePlaceCode, now: number): { job: Job; cancelled: boolean } | undefined => {
      markGone.run(code, now, id);
      const cancelled = endBeforeSubmission(id, 'cancelled', code, now);
      if (cancelled) return { job: cancelled, cancelled: true };
      const job = read(id);
      return job && { job, cancelled: false };
    }),
  };
}
