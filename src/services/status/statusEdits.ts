import type { Job } from '../../db/job.ts';
import type { Logger } from '../../logger.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { SentMessage } from '../discord/discordMessenger.ts';
import type { CardRevisits } from './cardRevisits.ts';
import { outgoing, type ReadCard } from './cardReader.ts';
import type { RefusedStatusEdits } from './refusedStatusEdits.ts';
import type { PreparedEdit } from './statusPump.ts';
import { viaInteractionToken, type StatusTexts, type StatusWrite } from './statusWriter.ts';

/** What the status updater keeps of a job between its edits. */
export interface EditState {
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

export const newEditState = (): EditState => ({ lastEditAt: 0, queued: false, writing: false, again: false, promptBlocked: false, waiters: [] });

export interface StatusEditsDeps {
  clock: Clock;
  logger: Logger;
  readCard(jobId: number, promptBlocked: boolean, now: number): Promise<ReadCard | undefined>;
  writeStatus(job: Job, texts: StatusTexts): Promise<StatusWrite>;
  refusedEdits: RefusedStatusEdits;
  revisits: CardRevisits;
  onStatusWritten?: (job: Job, message: SentMessage) => Promise<void>;
  /** The job's turn is over, written or not: the updater tells its waiters and takes up a refresh that came meanwhile. */
  settle(jobId: number, state: EditState): void;
  stopped(): boolean;
}

/**
 * One job's turn in the status pump: its card read and rendered when the turn comes, and written unless
 * it shows nothing new or its channel refused the last edit of that message.
 */
export function createStatusEdits(deps: StatusEditsDeps) {
  const { clock, logger } = deps;

  /** `keys` are the two forms as compared between edits: what was actually written is what is remembered. */
  async function write(jobId: number, state: EditState, job: Job, texts: StatusTexts, keys: { full: string; withoutPrompt: string }): Promise<void> {
    try {
      const { message, promptBlocked } = await deps.writeStatus(job, texts);
      if (promptBlocked) state.promptBlocked = true;
      state.lastText = promptBlocked ? keys.withoutPrompt : keys.full;
      await deps.revisits.after(job);
      if (message) await deps.onStatusWritten?.(job, message);
    } catch (err) {
      logger.warn('status_edit_failed', { jobId, userId: job.userId, err });
    } finally {
      state.writing = false;
      deps.settle(jobId, state);
    }
  }

  const refused = (job: Job, now: number) =>
    !viaInteractionToken(job, now) && job.statusMessageId !== null && deps.refusedEdits.refuses(job.channelId, job.statusMessageId);

  return async function readEdit(jobId: number, state: EditState): Promise<PreparedEdit | undefined> {
    state.queued = false;
    // Reading is part of writing: a refresh meanwhile asks for another write after this one, not a second one now.
    state.writing = true;
    const now = clock.now();
    const card = await deps.readCard(jobId, state.promptBlocked, now);
    const text = card && JSON.stringify(card.payload);
    const leftAlone = card !== undefined && text !== state.lastText && refused(card.job, now);
    if (leftAlone) logger.debug('status_edit_left_refused', { jobId, channelId: card.job.channelId });
    if (!card || deps.stopped() || text === state.lastText || leftAlone) {
      state.writing = false;
      deps.settle(jobId, state);
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
  };
}
