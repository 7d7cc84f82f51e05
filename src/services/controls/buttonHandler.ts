import type { JobStore } from '../../db/jobStore.ts';
import type { AdminCheck } from '../discord/adminCheck.ts';
import type { Rejection } from '../jobs/jobIntake.ts';
import type { JobButtonAction } from '../status/jobButtons.ts';
import type { ActionOutcome, Actor, JobActions } from './jobActions.ts';

export interface ButtonClick { jobId: number; action: JobButtonAction; userId: string; channelId: string; messageId: string }
export interface RetrySubmission { jobId: number; userId: string; prompt: string; submissionId: string }

/** What a click comes to: words for the clicker alone, or the Edit & retry form to open. */
export type ClickAnswer =
  | { kind: 'reply'; reply: Rejection; refused: boolean }
  | { kind: 'modal'; jobId: number; prompt: string };

const reply = (outcome: ActionOutcome): ClickAnswer => ({ kind: 'reply', reply: outcome.reply, refused: outcome.refused });
const unknownJob: ClickAnswer = { kind: 'reply', reply: (m) => m.controls.unknownJob, refused: true };

/**
 * Buttons do what the matching reactions do, through the same actions. The custom id names only the
 * job and the action; the job, its requester and its state come from SQLite at the click.
 */
export function createButtonHandler(deps: { store: JobStore; actions: JobActions; isAdmin: AdminCheck }) {
  const { store, actions } = deps;

  async function actorFor(guildId: string, requesterId: string, userId: string, action: JobButtonAction | 'retry'): Promise<Actor> {
    // DM me is for anyone, so it needs no member lookup.
    const admin = userId !== requesterId && action !== 'dm' && await deps.isAdmin(guildId, userId);
    return { userId, admin };
  }

  return {
    /** Clicks that may take longer than Discord's three seconds to answer, so they are deferred first. */
    isSlow: (action: JobButtonAction) => action === 'dm',

    async click(c: ButtonClick): Promise<ClickAnswer> {
      const job = await store.get(c.jobId);
      if (!job) return unknownJob;
      const actor = await actorFor(job.guildId, job.userId, c.userId, c.action);
      switch (c.action) {
        case 'start': return reply(await actions.start(job, actor));
        case 'cancel': return reply(await actions.cancel(job, actor));
        case 'again': return reply(await actions.again(job, actor));
        case 'dm': return reply(await actions.dm(job, actor, c.channelId));
        case 'delete': return reply(await actions.deleteResult(job, actor, c.channelId, c.messageId));
        case 'edit':
          if (!actions.mayManage(job, actor)) return { kind: 'reply', reply: (m) => m.controls.onlyRequesterOrAdmin(job.id), refused: true };
          return { kind: 'modal', jobId: job.id, prompt: job.request.prompt };
      }
    },

    /** The Edit & retry form came back: a new job with the new prompt, checked like any other. */
    async submitRetry(s: RetrySubmission): Promise<ClickAnswer> {
      const job = await store.get(s.jobId);
      if (!job) return unknownJob;
      const actor = await actorFor(job.guildId, job.userId, s.userId, 'retry');
      return reply(await actions.retry(job, actor, { prompt: s.prompt, originKey: `retry:${s.submissionId}` }));
    },
  };
}

export type ButtonHandler = ReturnType<typeof createButtonHandler>;
