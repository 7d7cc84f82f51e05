import type { Clock } from '../../clock.ts';
import type { Job } from '../../db/job.ts';
import type { JobStore, ResolutionOutcome } from '../../db/jobStore.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { Logger } from '../../logger.ts';
import type { DiscordMessenger } from '../discord/discordMessenger.ts';
import { resolvableAt, type LatePollWindow } from '../spend/resolvable.ts';
import type { StatusUpdater } from '../status/statusUpdater.ts';

export type ResolveResult =
  | { ok: true; job: Job }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_awaiting'; status: Job['status'] }
  | { ok: false; reason: 'still_polling'; resolvableAt: number };

export interface JobResolutionDeps {
  store: JobStore; messenger: DiscordMessenger; status: StatusUpdater; clock: Clock; logger: Logger; latePoll: LatePollWindow;
}

/** `/video-admin resolve`: an admin settles or releases what the bot cannot, for their own server only. */
export function createJobResolution(deps: JobResolutionDeps) {
  const { store, clock, logger } = deps;

  /** In the job's channel as a reply to its status message, pinging only the requester; else by DM. */
  async function tellRequester(job: Job, outcome: ResolutionOutcome): Promise<void> {
    const m = messagesFor(job.locale);
    const content = outcome === 'billed'
      ? m.ops.requesterBilled(job.userId, job.id, job.costMicros ?? job.estimateMicros)
      : m.ops.requesterNotBilled(job.userId, job.id);
    const message = { content, mentionUserIds: [job.userId], replyToMessageId: job.statusMessageId ?? undefined };
    try {
      await deps.messenger.send(job.statusChannelId ?? job.channelId, message);
    } catch (err) {
      logger.warn('resolve_notice_failed', { jobId: job.id, userId: job.userId, err });
      await deps.messenger.dm(job.userId, { content, mentionUserIds: [job.userId] })
        .catch((dmErr) => logger.warn('resolve_dm_failed', { jobId: job.id, userId: job.userId, err: dmErr }));
    }
  }

  return {
    async resolve(r: { guildId: string; actorId: string; jobId: number; outcome: ResolutionOutcome }): Promise<ResolveResult> {
      const job = await store.get(r.jobId);
      // Another server's job reads as no job at all: its existence is not this server's business.
      if (!job || job.guildId !== r.guildId) return { ok: false, reason: 'not_found' };
      if (job.status !== 'submit_unknown' && job.status !== 'timed_out') return { ok: false, reason: 'not_awaiting', status: job.status };
      const notBefore = resolvableAt(job, deps.latePoll, clock.now());
      if (notBefore !== null) return { ok: false, reason: 'still_polling', resolvableAt: notBefore };
      const resolved = await store.resolveJob({ id: job.id, guildId: r.guildId, outcome: r.outcome, actorId: r.actorId, now: clock.now() });
      if (!resolved) {
        const now = await store.get(job.id);
        return { ok: false, reason: 'not_awaiting', status: now?.status ?? job.status };
      }
      logger.info('job_resolved', { jobId: job.id, userId: job.userId, actorId: r.actorId, outcome: r.outcome, from: job.status, amountMicros: job.estimateMicros });
      void deps.status.refresh(job.id);
      await tellRequester(resolved, r.outcome);
      return { ok: true, job: resolved };
    },
  };
}

export type JobResolution = ReturnType<typeof createJobResolution>;
