import type { Job, JobStatus } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import { isDmThrottled } from '../discord/directMessages.ts';
import { DiscordCode, discordErrorCode, type DiscordMessenger } from '../discord/discordMessenger.ts';
import type { Rejection } from '../jobs/jobIntake.ts';
import type { JobScheduler } from '../jobs/jobScheduler.ts';
import { rerollJob, type PromptChange, type RerollDeps } from './reroll.ts';

/** The request may already have reached the provider, which has no cancel endpoint. */
const pastCancelling: readonly JobStatus[] = ['submitting', 'submitted', 'timed_out', 'submit_unknown', 'completed'];

/** Who acts: the job's requester, an admin of its server, or anyone else. */
export interface Actor { userId: string; admin: boolean }

/**
 * What an action came to. `reply` is the answer a button click shows its clicker; a reaction, which
 * has no reply of its own, passes it on only when `tell` is set (by DM, or in the channel when
 * `channelOnly`), and takes a refused reaction off the message.
 */
export interface ActionOutcome { refused: boolean; reply: Rejection; tell?: boolean; channelOnly?: boolean }

export interface JobActionsDeps extends RerollDeps {
  store: JobStore;
  messenger: DiscordMessenger;
  clock: Clock;
  logger: Logger;
  scheduler: JobScheduler;
}

const done = (reply: Rejection, tell = false): ActionOutcome => ({ refused: false, reply, tell });
const refuse = (reply: Rejection): ActionOutcome => ({ refused: true, reply });

/**
 * Everything a member can do to a job, shared by reactions and buttons so both follow the same
 * rules. Authorization is checked against the requester and admin state read from SQLite and the
 * server, never against the message that carried the control.
 */
export function createJobActions(deps: JobActionsDeps) {
  const { store, clock, logger, messenger } = deps;
  const mayManage = (job: Job, actor: Actor) => actor.userId === job.userId || actor.admin;

  async function audit(job: Job, actor: Actor, action: string): Promise<void> {
    if (actor.userId === job.userId) return;
    await store.spend.audit({ guildId: job.guildId, actorId: actor.userId, action, targetUserId: job.userId, jobId: job.id, now: clock.now() });
  }

  async function newJob(parent: Job, actor: Actor, change?: PromptChange): Promise<ActionOutcome> {
    if (!mayManage(parent, actor)) return refuse((m) => m.controls.onlyRequesterOrAdmin(parent.id));
    const outcome = await rerollJob(parent, actor.userId, deps, change);
    if (outcome.ok) {
      await audit(parent, actor, 'reroll_job');
      const id = outcome.job.id;
      return done((m) => m.controls.newJob(id));
    }
    return outcome.message ? done(outcome.message, true) : done((m) => m.controls.duplicate);
  }

  return {
    mayManage,

    /** ✅ / Start: only the requester, and only before the confirmation deadline. */
    async start(job: Job, actor: Actor): Promise<ActionOutcome> {
      if (actor.userId !== job.userId) return refuse((m) => m.controls.onlyRequesterStart(job.id));
      if (job.status !== 'awaiting_confirmation') return done((m) => m.controls.alreadyStarted(job.id));
      // Paused, or no longer allowed here, since the job was accepted: it keeps waiting (and expires
      // unconfirmed), and the ✅ comes off so that it can be given again once the server is resumed.
      const gate = await deps.intake.serverGate(job.guildId, job.channelId);
      if (gate) return { refused: true, reply: gate, tell: true };
      const now = clock.now();
      // The deadline timer may not have fired yet (just after a restart, say): a late ✅ must not start the job.
      if (job.confirmDeadlineAt !== null && job.confirmDeadlineAt <= now) {
        const expired = await store.endBeforeSubmission(job.id, 'expired', 'not_confirmed', now);
        if (expired) deps.scheduler.cancelled(expired);
        return done((m) => m.controls.confirmExpired(job.id));
      }
      const confirmed = await store.confirm(job.id, now);
      if (!confirmed) return done((m) => m.controls.alreadyStarted(job.id));
      deps.scheduler.confirmed(confirmed);
      return done((m) => m.controls.started(job.id));
    },

    /** ❌ / Cancel before submission: the requester or an admin; the reservation is released. */
    async cancel(job: Job, actor: Actor): Promise<ActionOutcome> {
      if (!mayManage(job, actor)) return refuse((m) => m.controls.onlyRequesterOrAdmin(job.id));
      const requester = actor.userId === job.userId;
      const cancelled = await store.endBeforeSubmission(job.id, 'cancelled', requester ? 'cancelled_by_user' : 'cancelled_by_admin', clock.now());
      if (cancelled) {
        deps.scheduler.cancelled(cancelled);
        await audit(job, actor, 'cancel_job');
        return done((m) => m.controls.cancelled(job.id));
      }
      const current = await store.get(job.id) ?? job;
      if (pastCancelling.includes(current.status)) return done((m) => m.reactions.cannotCancelSubmitted(job.id), true);
      return done((m) => m.controls.notCancellable(job.id));
    },

    /** 🔁 / Again: a new job with the same parameters, paid by whoever asked, through every check. */
    again: (job: Job, actor: Actor): Promise<ActionOutcome> => newJob(job, actor),

    /** Edit & retry: the same, with the prompt from the modal. */
    retry: (job: Job, actor: Actor, change: PromptChange): Promise<ActionOutcome> => newJob(job, actor, change),

    /** 📩 / DM me: anyone may ask for a private copy. */
    async dm(job: Job, actor: Actor, channelId: string): Promise<ActionOutcome> {
      if (job.erasedAt != null) return done((m) => m.ops.jobErased(job.id, deps.mention), true);
      try {
        const outcome = await deps.scheduler.sendResultByDm(job, actor.userId);
        if (outcome.kind === 'sent') return done((m) => m.controls.dmSent);
        // A reaction gets no answer for the hourly limit, as for any 📩 that changes nothing.
        if (outcome.kind === 'limited') return done((m) => m.controls.dmLimited(job.id, outcome.againAtMs));
        return done((m) => m.reactions.videoGone(job.id), true);
      } catch (err) {
        const code = discordErrorCode(err);
        logger.info('result_dm_failed', { jobId: job.id, userId: actor.userId, code, channelId });
        // Discord's 40003 passes in a few minutes; a DM about it would be held back too.
        if (isDmThrottled(err)) return { refused: false, reply: (m) => m.controls.dmLater, tell: true, channelOnly: true };
        if (code !== DiscordCode.cannotDmUser) throw err;
        return { refused: false, reply: (m) => m.reactions.dmClosed, tell: true, channelOnly: true };
      }
    },

    /** ❌ on the result / Delete: the requester or an admin removes the result message. */
    async deleteResult(job: Job, actor: Actor, channelId: string, messageId: string): Promise<ActionOutcome> {
      if (!mayManage(job, actor)) return refuse((m) => m.controls.onlyRequesterOrAdmin(job.id));
      try {
        await messenger.delete(channelId, messageId);
      } catch (err) {
        logger.warn('result_delete_failed', { jobId: job.id, code: discordErrorCode(err) });
        throw err;
      }
      await audit(job, actor, 'delete_result');
      return done((m) => m.controls.deleted);
    },
  };
}

export type JobActions = ReturnType<typeof createJobActions>;
