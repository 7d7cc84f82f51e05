import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { formatUsd } from '../../money.ts';
import type { OutgoingMessage } from '../discord/discordMessenger.ts';
import { resultButtons } from '../status/jobButtons.ts';
import { jobEmbedBase } from '../status/statusCard.ts';
import { truncate } from '../status/statusText.ts';

/** The video's file name, in the result post and in a DM copy. */
export const videoFileName = (jobId: number) => `video-${jobId}.mp4`;

/** Discord's limit on an attachment's description (its alt text). */
const maxAltTextLength = 1024;

/**
 * The result post's embed and buttons; its words (the requester's mention, so they are notified) are
 * resultPoster.ts's. The embed is the one place that shows the prompt, the settings, the final cost
 * and the job (its number, and the job it remakes); `withoutPrompt` leaves the member's words out (AutoMod).
 */
export function resultCard(job: Job, opts: { withoutPrompt?: boolean; withButtons?: boolean } = {}): Pick<OutgoingMessage, 'embeds' | 'components'> {
  const m = messagesFor(job.locale);
  const costMicros = job.costMicros ?? job.estimateMicros;
  const base = jobEmbedBase(job, m, 'done', opts.withoutPrompt);
  const remake = job.parentJobId === null ? [] : [{ name: m.card.remakeOf, value: m.card.remakeOfValue(job.parentJobId), inline: true }];
  return {
    embeds: [{
      ...base,
      fields: [...(base.fields ?? []), { name: m.card.cost, value: formatUsd(costMicros), inline: true }, ...remake],
      footer: { text: m.card.footer(job.id) },
    }],
    ...(opts.withButtons === false ? {} : { components: resultButtons(job) }),
  };
}

/** The video's alt text: what was asked for, which is what a screen reader should say the video shows. */
export function videoAltText(job: Job): string | undefined {
  const prompt = job.request.prompt.trim();
  return prompt === '' ? undefined : truncate(prompt, maxAltTextLength);
}
