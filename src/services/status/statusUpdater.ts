import { terminalStatuses, type Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import type { BotPermissions } from '../discord/botPermissions.ts';
import type { DiscordMessenger, SentMessage } from '../discord/discordMessenger.ts';
import { createCardRevisits } from './cardRevisits.ts';
import { createChannelEditLimits } from './channelEditLimits.ts';
import { createEditPace, type EditPace } from './editPace.ts';
import { createRefusedStatusEdits } from './refusedStatusEdits.ts';
import { createStatusEdits, newEditState, type EditState } from './statusEdits.ts';
import { createStatusPump } from './statusPump.ts';
import { createStatusWriter } from './statusWriter.ts';
import type { StatusContext } from './statusText.ts';
import { renderStatusCard, type MessagePayload } from './statusCard.ts';
import { createCardReader } from './cardReader.ts';

export interface StatusUpdaterDeps {
  store: JobStore;
  messenger: DiscordMessenger;
  clock: Clock;
  logger: Logger;
  /** At most one edit per message per this interval. */
  minEditIntervalMs: number;
  /** The bot-wide pace of interaction edits (app.ts halves it on the interaction client's 429s). */
  pace?: EditPace;
  maxEditsInFlight?: number;
  /** `knownQueuePosition`: the place a new job's reservation gave it, which need not be counted again. */
  contextFor: (job: Job, knownQueuePosition?: number) => Promise<StatusContext>;
  /** Called after every successful write, e.g. to keep the reaction controls in step. */
  onStatusWritten?: (job: Job, message: SentMessage) => Promise<void>;
  /** The bot's permissions in a channel, to tell when a channel that refused a status edit may take one again. */
  botPermissions?: BotPermissions;
}

/** What a status message shows: the job's card. */
export type StatusPayload = MessagePayload;

/**
 * Keeps each job's public status message in step with the job: at most one edit per message per
 * `minEditIntervalMs`, none when the visible text is unchanged, and the pace of statusPump.ts, so
 * thousands of jobs make a short queue of job ids (each edit shows the latest state when its turn
 * comes) rather than a backlog of stale requests inside the REST client.
 */
export function createStatusUpdater(deps: StatusUpdaterDeps) {
  const { store, clock, logger } = deps;
  const refusedEdits = createRefusedStatusEdits({ clock, botPermissions: deps.botPermissions });
  const writeStatus = createStatusWriter({ ...deps, refusedEdits });
  const states = new Map<number, EditState>();
  let stopped = false;
  const revisits = createCardRevisits({
    clock, contextFor: deps.contextFor,
    redraw: (jobId) => {
      const state = states.get(jobId);
      if (state && !stopped) schedule(jobId, state);
    },
  });
  const readEdit = createStatusEdits({
    clock, logger, readCard: createCardReader(deps), writeStatus, refusedEdits, revisits,
    onStatusWritten: deps.onStatusWritten, settle, stopped: () => stopped,
  });
  const pump = createStatusPump({
    clock, pace: deps.pace ?? createEditPace(() => clock.now()), channelLimits: createChannelEditLimits(() => clock.now()),
    maxInFlight: deps.maxEditsInFlight ?? 100, readEdit: (jobId) => readEdit(jobId, stateOf(jobId)),
  });

  const stateOf = (jobId: number): EditState => {
    let state = states.get(jobId);
    if (!state) states.set(jobId, (state = newEditState()));
    return state;
  };

  function settle(jobId: number, state: EditState): void {
    for (const resolve of state.waiters.splice(0)) resolve();
    if (state.again) {
      state.again = false;
      schedule(jobId, state);
    } else if (state.lastText !== undefined) {
      forgetIfFinished(jobId, state).catch((err) => logger.warn('status_edit_failed', { jobId, err }));
    }
  }

  /** The final text is up: the interaction token is of no more use, and a credential is better not kept. */
  async function forgetIfFinished(jobId: number, state: EditState): Promise<void> {
    const job = await store.get(jobId);
    // A refresh that came while the job was read has work of its own for this state.
    const idle = !state.queued && !state.writing && !state.timer && states.get(jobId) === state;
    if (!idle || !terminalStatuses.includes(job?.status as never)) return;
    revisits.cancel(jobId);
    states.delete(jobId);
    await store.forgetInteractionToken(jobId);
  }

  function schedule(jobId: number, state: EditState): void {
    if (state.queued || state.timer) return;
    if (state.writing) {
      state.again = true;
      return;
    }
    const delayMs = state.lastEditAt + deps.minEditIntervalMs - clock.now();
    const enqueue = () => {
      state.timer = undefined;
      state.queued = true;
      pump.add(jobId);
    };
    if (delayMs > 0) state.timer = clock.setTimeout(enqueue, delayMs);
    else enqueue();
  }

  return {
    /**
     * The card of a job as it stands now: the same renderer every later edit uses, e.g. for the
     * interaction reply that acknowledges /video at once.
     */
    render: async (job: Job, withoutPrompt = false, knownQueuePosition?: number): Promise<StatusPayload> =>
      renderStatusCard(job, await deps.contextFor(job, knownQueuePosition), clock.now(), { withoutPrompt }),
    /**
     * The acknowledgement already showed `payload`: an identical refresh writes nothing, the next edit
     * keeps its pace from now, and the message gets what every written status gets.
     */
    async shown(job: Job, payload: StatusPayload, message: SentMessage | undefined, promptBlocked = false): Promise<void> {
      const state = stateOf(job.id);
      state.lastText = JSON.stringify(payload);
      if (promptBlocked) state.promptBlocked = true;
      state.lastEditAt = clock.now();
      await revisits.after(job);
      if (!message) return;
      await store.setStatusMessage(job.id, message.channelId, message.id, clock.now());
      void deps.onStatusWritten?.(job, message)
        .catch((err) => logger.warn('status_edit_failed', { jobId: job.id, userId: job.userId, err }));
    },
    /** Asks for an edit that shows the job's state at the time it is made; resolves once it was tried. */
    refresh(jobId: number): Promise<void> {
      if (stopped) return Promise.resolve();
      const state = stateOf(jobId);
      const done = new Promise<void>((resolve) => state.waiters.push(resolve));
      schedule(jobId, state);
      return done;
    },
    /** Drops pending edits and waits for the ones already sent. */
    async stop(): Promise<void> {
      stopped = true;
      pump.stop();
      revisits.stop();
      const writing: Promise<void>[] = [];
      for (const state of states.values()) {
        if (state.timer) clock.clearTimeout(state.timer);
        if (state.writing) writing.push(new Promise((resolve) => state.waiters.push(resolve)));
        else for (const resolve of state.waiters.splice(0)) resolve();
      }
      await Promise.all(writing);
      states.clear();
    },
  };
}

export type StatusUpdater = ReturnType<typeof createStatusUpdater>;
