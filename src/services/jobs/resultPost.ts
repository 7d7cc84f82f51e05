import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { formatUsd } from '../../money.ts';
import type { OutgoingMessage } from '../discord/discordMessenger.ts';
import { resultButtons } from '../status/jobButtons.ts';
import { jobEmbedBase } from '../status/statusCard.ts';

/**
 * The result post's embed and buttons; its words (which mention the requester so they are notified,
 * and read right on their own where embeds are not shown) are resultPoster.ts's. The embed carries the
 * prompt, the settings and the final cost; `withoutPrompt` leaves the member's words out (AutoMod).
 */
export function resultCard(job: Job, opts: { withoutPrompt?: boolean; withButtons?: boolean } = {}): Pick<OutgoingMessage, 'embeds' | 'components'> {
  const m = messagesFor(job.locale);
  const costMicros = job.costMicros ?? job.estimateMicros;
  const base = jobEmbedBase(job, m, 'done', opts.withoutPrompt);
  return {
    embeds: [{ ...base, fields: [...(base.fields ?? []), { name: m.card.cost, value: formatUsd(costMicros), inline: true }] }],
    ...(opts.withButtons === false ? {} : { components: resultButtons(job) }),
  };
}
