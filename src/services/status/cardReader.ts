import type { Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Logger } from '../../logger.ts';
import type { OutgoingMessage } from '../discord/discordMessenger.ts';
import { renderStatusCard, type MessagePayload } from './statusCard.ts';
import type { StatusContext } from './statusText.ts';

/** The card as the messenger sends it. */
export function outgoing(payload: MessagePayload): OutgoingMessage {
  return {
    content: payload.content, embeds: payload.embeds, components: payload.components,
    flags: payload.flags, mentionUserIds: payload.allowedMentions.users,
  };
}

export interface ReadCard { job: Job; payload: MessagePayload; bare: MessagePayload }

/**
 * A job's card as it stands: as rendered (without the prompt where the server's AutoMod blocked it),
 * and without the prompt. Undefined where there is nothing to write to (the server or channel is
 * gone), or when the job cannot be read.
 */
export function createCardReader(deps: { store: JobStore; logger: Logger; contextFor: (job: Job) => Promise<StatusContext> }) {
  return async function readCard(jobId: number, promptBlocked: boolean, now: number): Promise<ReadCard | undefined> {
    try {
      const job = await deps.store.get(jobId);
      if (!job || job.placeGone !== null) return undefined;
      const context = await deps.contextFor(job);
      const payload = renderStatusCard(job, context, now, { withoutPrompt: promptBlocked });
      const bare = promptBlocked ? payload : renderStatusCard(job, context, now, { withoutPrompt: true });
      return { job, payload, bare };
    } catch (err) {
      deps.logger.warn('status_edit_failed', { jobId, err });
      return undefined;
    }
  };
}
