import { terminalStatuses, type Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Logger } from '../../logger.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { DiscordMessenger, SentMessage } from '../discord/discordMessenger.ts';
import { createStatusWriter, type StatusTexts } from './statusWriter.ts';
import type { StatusContext } from './statusText.ts';
import { cardRevisitAt, renderStatusCard, type MessagePayload } from './statusCard.ts';
import type { OutgoingMessage } from '../discord/discordMessenger.ts';

export { interactionTokenLifetimeMs } from './statusWriter.ts';

/** The card as the messenger sends it. */
export function outgoing(payload: MessagePayload): OutgoingMessage {
  return {
    content: payload.content, embeds: payload.embeds, components: payload.components,
    flags: payload.flags, mentionUserIds: payload.allowedMentions.users,
  };
}

export interface StatusUpdaterDeps {
  store: JobStore;
  messenger: DiscordMessenger;
  clock: Clock;
  logger: Logger;
  /** At most one edit per message per this interval. */
  minEditIntervalMs: number;
  /** Bot-wide pace of status writes, below Discord's global 50 requests/s so results and acks keep room. */
  maxEditsPerSecond?: number;
  maxEditsInFlight?: number;
  contextFor: (job: Job) => Promise<StatusContext>;
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
 * `minEditIntervalMs`, none when the visible text is unchanged, and a bot-wide pace, so thousands of
 * jobs make a short queue of job ids (each edit shows the latest state when its turn comes) rather
 * than a backlog of stale requests inside the REST client.
 */
export function createStatusUpdater(deps: StatusUpdaterDeps) {
  const { store, clock, logger } = deps;
  const writeStatus = createStatusWriter(deps);
  const maxPerSecond = deps.maxEditsPerSecond ?? 30;
  const maxInFlight = deps.maxEditsInFlight ?? 10;
  const states = new Map<number, EditState>();
  const ready = new Set<number>();
  let inFlight = 0;
  let windowStart = 0;
  let writesInWindow = 0;
  let pumpTimer: TimerHandle | undefined;
  let stopped = false;
  let pumping = false;
  let pumpAgain = false;

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
      inFlight--;
      settle(jobId, state);
      pump();
    }
  }

  /**
   * One pass at a time over the ready jobs: a pass reads each job before it counts a write, and two
   * passes interleaving would each count the same free slots.
   */
  function pump(): void {
    if (stopped) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    void pumpReady().finally(() => {
      pumping = false;
      if (!pumpAgain) return;
      pumpAgain = false;
      pump();
    });
  }

  async function pumpReady(): Promise<void> {
    for (const jobId of ready) {
      if (stopped || inFlight >= maxInFlight) return;
      const now = clock.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        writesInWindow = 0;
      }
      if (writesInWindow >= maxPerSecond) {
        pumpTimer ??= clock.setTimeout(() => { pumpTimer = undefined; pump(); }, windowStart + 1000 - now);
        return;
      }
      ready.delete(jobId);
      const state = stateOf(jobId);
      state.queued = false;
      // Reading is part of writing: a refresh meanwhile asks for another write after this one, not a second one now.
      state.writing = true;
      const card = await readCard(jobId, state, now);
      const text = card && JSON.stringify(card.payload);
      if (!card || stopped || text === state.lastText) {
        state.writing = false;
        settle(jobId, state);
        continue;
      }
      state.lastEditAt = now;
      inFlight++;
      writesInWindow++;
      const full = outgoing(card.payload);
      const withoutPrompt = state.promptBlocked ? full : outgoing(card.bare);
      void write(jobId, state, card.job, { full, withoutPrompt }, { full: text as string, withoutPrompt: JSON.stringify(card.bare) });
    }
  }

  /** The job's card as it stands; undefined where there is nothing to write to (the server or channel is gone). */
  async function readCard(jobId: number, state: EditState, now: number): Promise<{ job: Job; payload: StatusPayload; bare: StatusPayload } | undefined> {
    try {
      const job = await store.get(jobId);
      if (!job || job.placeGone !== null) return undefined;
      const context = await deps.contextFor(job);
      const payload = renderStatusCard(job, context, now, { withoutPrompt: state.promptBlocked });
      const bare = state.promptBlocked ? payload : renderStatusCard(job, context, now, { withoutPrompt: true });
      return { job, payload, bare };
    } catch (err) {
      logger.warn('status_edit_failed', { jobId, err });
      return undefined;
    }
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
      ready.add(jobId);
      pump();
    };
    if (delayMs > 0) state.timer = clock.setTimeout(enqueue, delayMs);
    else enqueue();
  }

  return {
    /**
     * The card of a job as it stands now: the same renderer every later edit uses, e.g. for the
     * interaction reply that acknowledges /video at once.
     */
    render: async (job: Job, withoutPrompt = false): Promise<StatusPayload> => renderStatusCard(job, await deps.contextFor(job), clock.now(), { withoutPrompt }),
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
      if (pumpTimer) clock.clearTimeout(pumpTimer);
      const writing: Promise<void>[] = [];
      for (const state of states.values()) {
        if (state.timer) clock.clearTimeout(state.timer);
        if (state.revisit) clock.clearTimeout(state.revisit);
        if (state.writing) writing.push(new Promise((resolve) => state.waiters.push(resolve)));
        else for (const resolve of state.waiters.splice(0)) resolve();
      }
      ready.clear();
      await Promise.all(writing);
      states.clear();
    },
  };
}

export type StatusUpdater = ReturnType<typeof createStatusUpdater>;
