import type { Job } from '../../db/job.ts';
import { isAutoModBlock } from '../discord/discordFaults.ts';
import type { DiscordMessenger, SentMessage } from '../discord/discordMessenger.ts';
import { outgoing } from '../status/cardReader.ts';
import type { StatusPayload, StatusUpdater } from '../status/statusUpdater.ts';

export interface ShownFirst { payload: StatusPayload; message: SentMessage | undefined; promptBlocked: boolean }

/** Where a new job's card goes: as the command's reply, or as the first edit of the deferral that answered it at once. */
export type FirstAnswerTarget = { reply: { interactionId: string; token: string } } | { editDeferred: { applicationId: string; token: string } };

/**
 * A new job's card as the first answer to its command. The message it became is read from Discord's
 * JSON (no discord.js Message is built), the queue place from the job's reservation (no count of the
 * queue), and a server's AutoMod that refuses the member's words gets the card without them. The
 * card pings nobody: a reply, or a deferral's first edit, would otherwise notify those it names.
 */
export function createFirstAnswer(deps: { status: StatusUpdater; messenger: DiscordMessenger }) {
  const { status, messenger } = deps;
  return async function showFirst(job: Job, queuePosition: number, target: FirstAnswerTarget): Promise<ShownFirst> {
    const send = async (withoutPrompt: boolean): Promise<ShownFirst> => {
      const payload = await status.render(job, withoutPrompt, queuePosition);
      const content = { ...outgoing(payload), mentionUserIds: [] };
      const message = 'reply' in target
        ? await messenger.answerInteraction(target.reply.interactionId, target.reply.token, content)
        : await messenger.editOriginal(target.editDeferred.applicationId, target.editDeferred.token, content);
      return { payload, message, promptBlocked: withoutPrompt };
    };
    try {
      return await send(false);
    } catch (err) {
      if (!isAutoModBlock(err)) throw err;
      return send(true);
    }
  };
}

export type FirstAnswer = ReturnType<typeof createFirstAnswer>;
