import type { Job } from '../../db/jobRow.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import { DiscordCode, discordErrorCode, type DiscordMessenger, type OutgoingMessage, type SentMessage } from '../discord/discordMessenger.ts';

/** Discord's interaction token lives 15 minutes; stop trusting it a minute early. */
export const interactionTokenLifetimeMs = 14 * 60_000;

const tokenRejected = (err: unknown) => {
  const code = discordErrorCode(err);
  return code === DiscordCode.invalidWebhookToken || code === DiscordCode.unknownInteraction || code === 10015;
};

/**
 * Puts a status text on the job's message: through the interaction token while it is young, then with
 * the bot token, and as a new message when the old one was deleted.
 */
export function createStatusWriter(deps: { store: JobStore; messenger: DiscordMessenger; clock: Clock; logger: Logger }) {
  const { store, messenger, clock, logger } = deps;
  const tokenUsable = (job: Job) => job.interactionToken !== null && clock.now() - job.interactionAt < interactionTokenLifetimeMs;

  async function postNew(job: Job, content: OutgoingMessage): Promise<SentMessage> {
    const message = await messenger.send(job.channelId, content);
    store.setStatusMessage(job.id, message.channelId, message.id, clock.now());
    return message;
  }

  return async function writeStatus(job: Job, content: OutgoingMessage): Promise<SentMessage> {
    if (tokenUsable(job)) {
      try {
        const message = await messenger.editOriginal(job.applicationId, job.interactionToken as string, content);
        if (job.statusMessageId !== message.id) store.setStatusMessage(job.id, message.channelId, message.id, clock.now());
        return message;
      } catch (err) {
        const gone = discordErrorCode(err) === DiscordCode.unknownMessage;
        if (!gone && !tokenRejected(err)) throw err;
        // Either way the token can no longer show the status: without forgetting it, every later write
        // would hit the same error (and, for a deleted reply, post yet another message).
        store.forgetInteractionToken(job.id);
        if (gone) {
          logger.info('status_message_replaced', { jobId: job.id, userId: job.userId });
          return postNew(job, content);
        }
      }
    }
    // The status message always lives in the command's channel. Not status_channel_id: delivery rewrites
    // that to the result's channel, a DM when the channel refused the upload.
    if (job.statusMessageId) {
      try {
        await messenger.edit(job.channelId, job.statusMessageId, content);
        return { id: job.statusMessageId, channelId: job.channelId };
      } catch (err) {
        if (discordErrorCode(err) !== DiscordCode.unknownMessage) throw err;
        logger.info('status_message_replaced', { jobId: job.id, userId: job.userId });
      }
    }
    return postNew(job, content);
  };
}
