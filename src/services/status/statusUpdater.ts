import { terminalStatuses, type Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Logger } from '../../logger.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { DiscordMessenger, SentMessage } from '../discord/discordMessenger.ts';
import { createChannelEditLimits } from './channelEditLimits.ts';
import { createEditPace, type EditPace } from './editPace.ts';
import { createStatusPump, type PreparedEdit } from './statusPump.ts';
import { createStatusWriter, viaInteractionToken, type StatusTexts } from './statusWriter.ts';
import type { StatusContext } from './statusText.ts';
import { cardRevisitAt, renderStatusCard, type MessagePayload } from './statusCard.ts';
import { createCardReader, outgoing } from './cardReader.ts';

export { interactionTokenLifetimeMs } from './statusWriter.ts';

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
}

/** What a status message shows: the job's card. */
export type StatusPayload = MessagePayload;

interface EditState {
  lastText?: string;
  lastEditAt: number;
  timer?: TimerHandle;
  /** A redraw when the card's ETA passes, so it never shows a finish time in the past. */
  revisit?: TimerHandle;
  queued: boolean;
  writing: boolean;
  again: boolean;
  /** The server's AutoMod refused the text quoting the prompt: later writes leave it out from the start. */
  promptBlocked: boolean;
  waiters: (() => void)[];
}

/**
 * Keeps each job's public status message in step with the job: at most one edit per message per
 * `minEditIntervalMs`, none when the visible text is unchanged, and the pace of statusPump.ts, so
 * thousands of jobs make a short queue of job ids (each edit shows the latest state when its turn
 * comes) rather than a backlog of stale requests inside the REST client.
 */
export function createStatusUpdater(deps: StatusUpdaterDeps) {
  const { store, clock, logger } = deps;
  const writeStatus = createStatusWriter(deps);
  const readCard = createCardReader(deps);
  const states = new Map<number, EditState>();
  let stopped = false;
  const pump = createStatusPump({
    clock, pace: deps.pace ?? createEditPace(() => clock.now()), channelLimits: createChannelEditLimits(() => clock.now()),
    maxInFlight: deps.maxEditsInFlight ?? 100, readEdit,
  });

  const stateOf = (jobId: number): EditState => {
    let state = states.get(jobId);
    if (!state) states.set(jobId, (state = { lastEditAt: 0, queued: false, writing: false, again: false, promptBlocked: false, waiters: [] }));
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
    if (state.revisit) clock.clearTimeout(state.revisit);
    states.delete(jobId);
    await store.forgetInteractionToken(jobId);
  }

  async function revisitLater(jobId: number, state: EditState, job: Job): Promise<void> {
    const context = await deps.contextFor(job);
    if (stopped) return;
    const at = cardRevisitAt(job, context, clock.now());
    if (state.revisit) clock.clearTimeout(state.revisit);
    state.revisit = at === null ? undefined : clock.setTimeout(() => {
      state.revisit = undefined;
      if (!stopped && states.get(jobId) === state) schedule(jobId, state);
    }, at - clock.now() + 1_000);
  }

  /** `keys` are the two forms as compared between edits: what was actually written is what is remembered. */
  async function write(jobId: number, state: EditState, job: Job, texts: StatusTexts, keys: { full: string; withoutPrompt: string }): Promise<void> {
    try {
      const { message, promptBlocked } = await writeStatus(job, texts);
      if (promptBlocked) state.promptBlocked = true;
      state.lastText = promptBlocked ? keys.withoutPrompt : keys.full;
      await revisitLater(jobId, state, job);
      if (message) await deps.onStatusWritten?.(job, message);
    } catch (err) {
      logger.warn('status_edit_failed', { jobId, userId: job.userId, err });
    } finally {
      state.writing = false;
      settle(jobId, state);
    }
  }

  /** The job's turn in the pump: its card read and rendered now, or nothing when there is nothing new to show. */
  async function readEdit(jobId: number): Promise<PreparedEdit | undefined> {
    const state = stateOf(jobId);
    state.queued = false;
    // Reading is part of writing: a refresh meanwhile asks for another write after this one, not a second one now.
    state.writing = true;
    const now = clock.now();
    const card = await readCard(jobId, state.promptBlocked, now);
    const text = card && JSON.stringify(card.payload);
    if (!card || stopped || text === state.lastText) {
      state.writing = false;
      settle(jobId, state);
      return undefined;
    }
    const full = outgoing(card.payload);
    const withoutPrompt = state.promptBlocked ? full : outgoing(card.bare);
    return {
      channelRoute: viaInteractionToken(card.job, now) ? undefined : `${card.job.statusMessageId ? 'edit' : 'post'} ${card.job.channelId}`,
      send: () => {
        state.lastEditAt = clock.now();
        return write(jobId, state, card.job, { full, withoutPrompt }, { full: text as string, withoutPrompt: JSON.stringify(card.bare) });
      },
      putBack: () => {
        state.writing = false;
        state.queued = true;
      },
    };
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
      await revisitLater(job.id, state, job);
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
      const writing: Promise<void>[] = [];
      for (const state of states.values()) {
        if (state.timer) clock.clearTimeout(state.timer);
        if (state.revisit) clock.clearTimeout(state.revisit);
        if (state.writing) writing.push(new Promise((resolve) => state.waiters.push(resolve)));
        else for (const resolve of state.waiters.splice(0)) resolve();
      }
      await Promise.all(writing);
      states.clear();
    },
  };
}

export type StatusUpdater = ReturnType<typeof createStatusUpdater>;
