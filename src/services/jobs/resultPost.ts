import type { Job } from '../../db/jobRow.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { formatUsd } from '../../money.ts';
import type { OutgoingMessage } from '../discord/discordMessenger.ts';
import { resultButtons } from '../status/jobButtons.ts';
import { jobEmbedBase } from '../status/statusCard.ts';

/**
 * The result post's words, embed and buttons. The content still mentions the requester (the only
 * user it may ping) so they are notified, and it reads right on its own where embeds are not shown;
 * the embed carries the prompt, the settings and the final cost.
 */
export function renderResultPost(job: Job, link: { url: string; expiresAt: number | null } | null): Pick<OutgoingMessage, 'content' | 'embeds' | 'components' | 'mentionUserIds'> {
  const m = messagesFor(job.locale);
  const costMicros = job.costMicros ?? job.estimateMicros;
  const lines = [m.resultReady(job.userId, job.id), m.resultCost(costMicros)];
  if (link) lines.push(m.resultLink(link.url, link.expiresAt));
  lines.push(m.resultControls);
  const base = jobEmbedBase(job, m, 'done');
  return {
    content: lines.join('\n'),
    embeds: [{ ...base, fields: [...(base.fields ?? []), { name: m.card.cost, value: formatUsd(costMicros), inline: true }] }],
    components: resultButtons(job),
    mentionUserIds: [job.userId],
  };
}
