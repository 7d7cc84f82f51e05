import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';

export const jobButtonActions = ['start', 'cancel', 'again', 'edit', 'dm', 'delete'] as const;
export type JobButtonAction = (typeof jobButtonActions)[number];

/**
 * A button's custom id names the job and the action and nothing else: whatever it may do is read from
 * SQLite when it is clicked, so a button on a message from before a restart works the same.
 */
export const jobCustomId = (jobId: number, action: JobButtonAction) => `job:${jobId}:${action}`;

/** The modal of Edit & retry and its one text input. */
export const retryModalId = (jobId: number) => `job:${jobId}:retry`;
export const retryPromptInputId = 'prompt';

export function parseJobCustomId(customId: string): { jobId: number; action: JobButtonAction | 'retry' } | undefined {
  const match = /^job:(\d{1,15}):([a-z]+)$/.exec(customId);
  if (!match) return undefined;
  const action = match[2] as JobButtonAction | 'retry';
  if (action !== 'retry' && !jobButtonActions.includes(action)) return undefined;
  return { jobId: Number(match[1]), action };
}

type Row = APIActionRowComponent<APIButtonComponent>;
type Style = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;

function row(job: Job, buttons: [JobButtonAction, Style, string][]): Row {
  return {
    type: ComponentType.ActionRow,
    components: buttons.map(([action, style, label]) => ({
      type: ComponentType.Button, style, label, custom_id: jobCustomId(job.id, action),
    })),
  };
}

/** The buttons a status card carries in the job's current state; none once nothing applies. */
export function statusButtons(job: Job): Row[] {
  const c = messagesFor(job.locale).controls;
  if (job.status === 'awaiting_confirmation') {
    return [row(job, [['start', ButtonStyle.Success, c.start], ['cancel', ButtonStyle.Secondary, c.cancel]])];
  }
  if (job.status === 'queued') return [row(job, [['cancel', ButtonStyle.Secondary, c.cancel]])];
  return [];
}

/** The result post's buttons: the same four things its 🔁 📩 ❌ reactions do, plus Edit & retry. */
export function resultButtons(job: Job): Row[] {
  const c = messagesFor(job.locale).controls;
  return [row(job, [
    ['again', ButtonStyle.Primary, c.again],
    ['edit', ButtonStyle.Secondary, c.editRetry],
    ['dm', ButtonStyle.Secondary, c.dmMe],
    ['delete', ButtonStyle.Danger, c.delete],
  ])];
}
