import { terminalStatuses, type Job } from '../../db/jobRow.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Logger } from '../../logger.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { DiscordMessenger, SentMessage } from '../discord/discordMessenger.ts';
import { createStatusWriter, type StatusTexts } from './statusWriter.ts';
import { renderStatus, type StatusContext } from './statusText.ts';

export { interactionTokenLifetimeMs } from './statusWriter.ts';

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
  contextFor: (job: Job) => StatusContext;
  /** Called after every successful write, e.g. to keep the reaction controls in step. */
  onStatusWritten?: (job: Job, message: SentMessage) => Promise<void>;
}

export interface StatusPayload { content: string }

interface EditState {
  lastText?: string;
  lastEditAt: number;
  timer?: TimerHandle;
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
    } else if (state.lastText !== undefined && terminalStatuses.includes(store.get(jobId)?.status as never)) {
      states.delete(jobId);
      // The final text is up: the interaction token is of no more use, and a credential is better not kept.
      store.forgetInteractionToken(jobId);
    }
  }

  async function write(jobId: number, state: EditState, job: Job, texts: StatusTexts): Promise<void> {
    try {
      const { message, promptBlocked } = await writeStatus(job, texts);
      if (promptBlocked) state.promptBlocked = true;
      state.lastText = promptBlocked ? texts.withoutPrompt : texts.full;
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

  function pump(): void {
    if (stopped) return;
    for (const jobId of ready) {
      if (inFlight >= maxInFlight) return;
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
      const job = store.get(jobId);
      // Where the server or channel is gone there is no status message left to write to.
      const context = job && deps.contextFor(job);
      const content = job && job.placeGone === null ? renderStatus(job, context as StatusContext, { withoutPrompt: state.promptBlocked }) : undefined;
      if (!job || content === undefined || content === state.lastText) {
        settle(jobId, state);
        continue;
      }
      state.writing = true;
      state.lastEditAt = now;
      inFlight++;
      writesInWindow++;
      const withoutPrompt = state.promptBlocked ? content as string : renderStatus(job, context as StatusContext, { withoutPrompt: true });
      void write(jobId, state, job, { full: content as string, withoutPrompt });
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
    /** The status message for a job as it is now: the same renderer every later edit uses. */
    render: (job: Job, withoutPrompt = false): StatusPayload => ({ content: renderStatus(job, deps.contextFor(job), { withoutPrompt }) }),
    /**
     * The acknowledgement already showed `payload`: an identical refresh writes nothing, the next edit
     * keeps its pace from now, and the message gets what every written status gets.
     */
    shown(job: Job, payload: StatusPayload, message: SentMessage | undefined, promptBlocked = false): void {
      const state = stateOf(job.id);
      state.lastText = payload.content;
      if (promptBlocked) state.promptBlocked = true;
      state.lastEditAt = clock.now();
      if (!message) return;
      store.setStatusMessage(job.id, message.channelId, message.id, clock.now());
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
