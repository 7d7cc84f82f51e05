import { terminalStatuses, type Job } from '../db/jobRow.ts';
import type { JobStore } from '../db/jobStore.ts';
import type { Logger } from '../logger.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { DiscordCode, discordErrorCode, type DiscordMessenger, type SentMessage } from './discordMessenger.ts';
import { renderStatus, type StatusContext } from './statusText.ts';

/** Discord's interaction token lives 15 minutes; stop trusting it a minute early. */
export const interactionTokenLifetimeMs = 14 * 60_000;

export interface StatusUpdaterDeps {
  store: JobStore;
  messenger: DiscordMessenger;
  clock: Clock;
  logger: Logger;
  minEditIntervalMs: number;
  contextFor: (job: Job) => StatusContext;
  /** Called after every successful write, e.g. to keep the reaction controls in step. */
  onStatusWritten?: (job: Job, message: SentMessage) => Promise<void>;
}

interface EditState { lastText?: string; lastEditAt: number; timer?: TimerHandle; chain: Promise<void> }

const tokenRejected = (err: unknown) => {
  const code = discordErrorCode(err);
  return code === DiscordCode.invalidWebhookToken || code === DiscordCode.unknownInteraction || code === 10015;
};

/**
 * Keeps each job's public status message in step with the job, with at most one edit per message per
 * `minEditIntervalMs` and none when the visible text is unchanged.
 */
export function createStatusUpdater(deps: StatusUpdaterDeps) {
  const { store, messenger, clock, logger } = deps;
  const states = new Map<number, EditState>();

  const stateOf = (jobId: number): EditState => {
    let state = states.get(jobId);
    if (!state) states.set(jobId, (state = { lastEditAt: 0, chain: Promise.resolve() }));
    return state;
  };

  const tokenUsable = (job: Job) => job.interactionToken !== null && clock.now() - job.interactionAt < interactionTokenLifetimeMs;

  async function postNew(job: Job, content: string): Promise<SentMessage> {
    const message = await messenger.send(job.channelId, { content });
    store.setStatusMessage(job.id, message.channelId, message.id, clock.now());
    return message;
  }

  async function writeStatus(job: Job, content: string): Promise<SentMessage> {
    if (tokenUsable(job)) {
      try {
        const message = await messenger.editOriginal(job.applicationId, job.interactionToken as string, { content });
        if (job.statusMessageId !== message.id) store.setStatusMessage(job.id, message.channelId, message.id, clock.now());
        return message;
      } catch (err) {
        if (!tokenRejected(err)) throw err;
        store.forgetInteractionToken(job.id);
      }
    }
    if (job.statusMessageId && job.statusChannelId) {
      try {
        await messenger.edit(job.statusChannelId, job.statusMessageId, { content });
        return { id: job.statusMessageId, channelId: job.statusChannelId };
      } catch (err) {
        if (discordErrorCode(err) !== DiscordCode.unknownMessage) throw err;
        logger.info('status_message_replaced', { jobId: job.id, userId: job.userId });
      }
    }
    return postNew(job, content);
  }

  async function flush(jobId: number): Promise<void> {
    const state = stateOf(jobId);
    state.timer = undefined;
    const job = store.get(jobId);
    if (!job) return;
    const content = renderStatus(job, deps.contextFor(job));
    if (content === state.lastText) return;
    state.lastEditAt = clock.now();
    try {
      const message = await writeStatus(job, content);
      state.lastText = content;
      await deps.onStatusWritten?.(job, message);
      if (terminalStatuses.includes(job.status)) states.delete(jobId);
    } catch (err) {
      logger.warn('status_edit_failed', { jobId, userId: job.userId, err });
    }
  }

  return {
    /** Schedules an edit that shows the job's current state, coalesced with any pending one. */
    refresh(jobId: number): Promise<void> {
      const state = stateOf(jobId);
      if (state.timer) return state.chain;
      const delayMs = Math.max(0, state.lastEditAt + deps.minEditIntervalMs - clock.now());
      return new Promise((resolve) => {
        state.timer = clock.setTimeout(() => {
          state.chain = state.chain.then(() => flush(jobId));
          void state.chain.then(resolve);
        }, delayMs);
      });
    },
    forget(jobId: number): void {
      const state = states.get(jobId);
      if (state?.timer) clock.clearTimeout(state.timer);
      states.delete(jobId);
    },
    /** Drops pending edits and waits for the ones already sent. */
    async stop(): Promise<void> {
      const writing = [...states.values()].map((state) => {
        if (state.timer) clock.clearTimeout(state.timer);
        return state.chain;
      });
      states.clear();
      await Promise.allSettled(writing);
    },
  };
}

export type StatusUpdater = ReturnType<typeof createStatusUpdater>;
