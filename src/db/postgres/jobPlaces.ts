import type pg from 'pg';
import { unfinishedStatuses, type Job } from '../job.ts';
import type { GonePlaceCode } from '../jobStore.ts';
import { jobFromRow, type JobRow } from '../jobRow.ts';
import { createTransition } from './jobTransition.ts';
import type { LeaseFence } from './leaseFence.ts';
import { changes, firstRow, inList, rows } from './sql.ts';
import { transaction } from './transaction.ts';

const unfinished = `status IN (${inList(unfinishedStatuses)})`;

/** Jobs whose server or channel disappeared while they were unfinished. */
export function createJobPlaces(pool: pg.Pool, fence: LeaseFence) {
  const ids = async (sql: string, values: unknown[]) => (await rows<{ id: number }>(pool, sql, values)).map((r) => r.id);
  return {
    unfinishedJobIdsInGuild: (guildId: string) => ids(`SELECT id FROM jobs WHERE guild_id = $1 AND ${unfinished} ORDER BY id`, [guildId]),
    unfinishedJobIdsInChannels: async (channelIds: readonly string[]) => channelIds.length === 0 ? []
      : ids(`SELECT id FROM jobs WHERE channel_id = ANY($1::text[]) AND ${unfinished} ORDER BY id`, [channelIds]),

    /**
     * One job, one transaction: the place is marked gone and, if the job was not yet sent to the
     * provider, it is cancelled with its reservation released. A job already at the provider keeps
     * going and is delivered by DM.
     */
    leaveGonePlace(id: number, code: GonePlaceCode, now: number): Promise<{ job: Job; cancelled: boolean } | undefined> {
      return transaction(pool, async (client) => {
        await changes(client, 'UPDATE jobs SET place_gone = COALESCE(place_gone, $1), updated_at = $2 WHERE id = $3', [code, now, id]);
        const cancelled = await createTransition(client, fence)(id, ['awaiting_confirmation', 'queued'], 'cancelled', now,
          { set: { failure_code: code, finished_at: now }, ledger: 'release' });
        if (cancelled) return { job: cancelled, cancelled: true };
        const row = await firstRow<JobRow>(client, 'SELECT * FROM jobs WHERE id = $1', [id]);
        return row && { job: jobFromRow(row), cancelled: false };
      });
    },
  };
}
