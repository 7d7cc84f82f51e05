import type { Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Rejection } from '../jobs/jobIntake.ts';
import type { JobButtonAction } from '../status/jobButtons.ts';
import type { ActionOutcome, Actor, JobActions } from './jobActions.ts';

/**
 * Who clicked where: the message the button sits on and its server, as the interaction tells them, and
 * whether the clicker is an admin there (decided from the interaction's own member, with no request).
 */
export interface ClickPlace { userId: string; admin: boolean; guildId: string | null; channelId: string; messageId: string | undefined }
export interface ButtonClick extends ClickPlace { jobId: number; action: JobButtonAction }
export interface RetrySubmission extends ClickPlace { jobId: number; prompt: string; submissionId: string }

/** What a click comes to: words for the clicker alone, or the Edit & retry form to open. */
export type ClickAnswer =
  | { kind: 'reply'; reply: Rejection; refused: boolean }
  | { kind: 'modal'; jobId: number; prompt: string };

const reply = (outcome: ActionOutcome): ClickAnswer => ({ kind: 'reply', reply: outcome.reply, refused: outcome.refused });
const refusal = (text: Rejection): ClickAnswer => ({ kind: 'reply', reply: text, refused: true });
const notThisMessage = refusal((m) => m.controls.notThisMessage);

/** The buttons a status card carries, and those of a result post (jobButtons.ts). */
const statusActions: readonly (JobButtonAction | 'retry')[] = ['start', 'cancel'];

/**
 * Buttons do what the matching reactions do, through the same actions. The custom id names the job and
 * the action, but it is the client's word: the job is the one whose status or result message the
 * button is on (job_messages, as for reactions), in the clicker's server, or the click is refused.
 * Its requester and its state come from SQLite at the click.
 */
export function createButtonHandler(deps: { store: JobStore; actions: JobActions }) {
  const { store, actions } = deps;

  /** The job the click may act on, or why it may not. */
  async function jobOfMessage(click: ClickPlace & { jobId: number }, action: JobButtonAction | 'retry'): Promise<Job | ClickAnswer> {
    if (click.messageId === undefined) return notThisMessage;
    const found = await store.findByMessageId(click.messageId);
    if (!found) return notThisMessage;
    const kind = statusActions.includes(action) ? 'status' : 'result';
    if (found.job.id !== click.jobId || found.job.guildId !== click.guildId || found.kind !== kind) return notThisMessage;
    return found.job;
  }

  /** Being an admin matters only for someone else's job (DM me is for anyone anyway). */
  const actorFor = (job: Job, click: ClickPlace): Actor => ({ userId: click.userId, admin: click.userId !== job.userId && click.admin });

  return {
    /**
     * Clicks whose action may take longer than Discord's three seconds: they are answered (deferred)
     * first. Delete waits for Discord's DELETE, which queues behind the channel's bucket.
     */
    isSlow: (action: JobButtonAction) => action === 'dm' || action === 'delete',

    async click(c: ButtonClick): Promise<ClickAnswer> {
      const job = await jobOfMessage(c, c.action);
      if ('kind' in job) return job;
      const actor = actorFor(job, c);
      switch (c.action) {
        case 'start': return reply(await actions.start(job, actor));
        case 'cancel': return reply(await actions.cancel(job, actor));
        case 'again': return reply(await actions.again(job, actor));
        case 'dm': return reply(await actions.dm(job, actor, c.channelId));
        case 'delete': return reply(await actions.deleteResult(job, actor, c.channelId, c.messageId as string));
        case 'edit':
          if (!actions.mayManage(job, actor)) return refusal((m) => m.controls.onlyRequesterOrAdmin(job.id));
          return { kind: 'modal', jobId: job.id, prompt: job.request.prompt };
      }
    },

    /** The Edit & retry form came back (from the result it was opened on): a new job with the new prompt, checked like any other. */
    async submitRetry(s: RetrySubmission): Promise<ClickAnswer> {
      const job = await jobOfMessage(s, 'retry');
      if ('kind' in job) return job;
      return reply(await actions.retry(job, actorFor(job, s), { prompt: s.prompt, originKey: `retry:${s.submissionId}` }));
    },
  };
}

export type ButtonHandler = ReturnType<typeof createButtonHandler>;
