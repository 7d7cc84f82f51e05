import type { Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import { messagesFor } from '../../i18n/messages.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import { isAutoModBlock } from '../discord/discordFaults.ts';
import { DiscordCode, discordErrorCode, type DiscordMessenger, type OutgoingMessage, type SentMessage } from '../discord/discordMessenger.ts';
import type { RefusedStatusEdits } from './refusedStatusEdits.ts';

/** Discord's interaction token lives 15 minutes; stop trusting it a minute early. */
export const interactionTokenLifetimeMs = 14 * 60_000;

/** Whether a status written at `now` goes through the interaction's token, or with the bot token on the channel's route. */
export const viaInteractionToken = (job: Job, now: number) => job.interactionToken !== null && now - job.interactionAt < interactionTokenLifetimeMs;

const tokenRejected = (err: unknown) => {
  const code = discordErrorCode(err);
  return code === DiscordCode.invalidWebhookToken || code === DiscordCode.unknownInteraction || code === DiscordCode.unknownWebhook;
};
const refusingCodes: readonly (number | undefined)[] = [DiscordCode.missingAccess, DiscordCode.missingPermissions];

/**
 * The status in two forms: as rendered, and without the member's words (for a server whose AutoMod
 * blocks them); the same object twice when there is no difference.
 */
export interface StatusTexts { full: OutgoingMessage; withoutPrompt: OutgoingMessage }
/** `message` is undefined when nothing was written: a moderator deleted the status message. */
export interface StatusWrite { message?: SentMessage; promptBlocked: boolean }

/**
 * Puts a status text on the job's message: through the interaction token while it is young, then with
 * the bot token. A status message a moderator deleted stays deleted.
 */
export function createStatusWriter(deps: { store: JobStore; messenger: DiscordMessenger; clock: Clock; logger: Logger; refusedEdits: RefusedStatusEdits }) {
  const { store, messenger, clock, logger } = deps;
  const tokenUsable = (job: Job) => viaInteractionToken(job, clock.now());

  async function postNew(job: Job, content: OutgoingMessage): Promise<SentMessage> {
    const message = await messenger.send(job.channelId, content);
    await store.setStatusMessage(job.id, message.channelId, message.id, clock.now());
    return message;
  }

  /**
   * Reposting it would put the prompt back in front of the channel the moderator just cleaned, on
   * every update. The requester is told once, privately, and the result is still delivered.
   */
  async function statusDeleted(job: Job, tokenStillLive: boolean): Promise<undefined> {
    if (!await store.markStatusDeleted(job.id, clock.now())) return undefined;
    logger.info('status_message_deleted', { jobId: job.id, userId: job.userId });
    const notice = { content: messagesFor(job.locale).delivery.statusDeleted(job.id) };
    try {
      if (tokenStillLive) await messenger.followUp(job.applicationId, job.interactionToken as string, notice, true);
      else await messenger.dm(job.userId, notice);
    } catch (err) {
      logger.warn('status_deleted_notice_failed', { jobId: job.id, userId: job.userId, code: discordErrorCode(err) });
    }
    return undefined;
  }

  async function put(job: Job, content: OutgoingMessage): Promise<SentMessage | undefined> {
    if (tokenUsable(job)) {
      try {
        const message = await messenger.editOriginal(job.applicationId, job.interactionToken as string, content);
        if (job.statusMessageId !== message.id) await store.setStatusMessage(job.id, message.channelId, message.id, clock.now());
        return message;
      } catch (err) {
        const gone = discordErrorCode(err) === DiscordCode.unknownMessage;
        if (!gone && !tokenRejected(err)) throw err;
        // Either way the token can no longer show the status: without forgetting it, every later write would hit the same error.
        await store.forgetInteractionToken(job.id);
        if (gone) return statusDeleted(job, true);
      }
    }
    // The status message always lives in the command's channel. Not status_channel_id: delivery rewrites
    // that to the result's channel, a DM when the channel refused the upload.
    if (job.statusMessageId) {
      try {
        await messenger.edit(job.channelId, job.statusMessageId, content);
        return { id: job.statusMessageId, channelId: job.channelId };
      } catch (err) {
        const code = discordErrorCode(err);
        if (refusingCodes.includes(code)) deps.refusedEdits.remember(job.channelId, job.statusMessageId);
        if (code !== DiscordCode.unknownMessage) throw err;
        return statusDeleted(job, false);
      }
    }
    return postNew(job, content);
  }

  return async function writeStatus(job: Job, texts: StatusTexts): Promise<StatusWrite> {
    if (job.statusDeletedAt !== null) return { promptBlocked: false };
    try {
      return { message: await put(job, texts.full), promptBlocked: false };
    } catch (err) {
      if (!isAutoModBlock(err) || texts.full === texts.withoutPrompt) throw err;
      logger.info('status_prompt_blocked_by_automod', { jobId: job.id, userId: job.userId });
      return { message: await put(job, texts.withoutPrompt), promptBlocked: true };
    }
  };
}
