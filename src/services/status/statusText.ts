import type { Job } from '../../db/job.ts';
import { messagesFor, type FailureReason, type Messages } from '../../i18n/messages.ts';

export interface StatusContext { queuePosition: number; jobTimeoutMinutes: number; predictedFinishMs: number | null }

const maxQuotedPromptChars = 1500;
/** Discord's limit on a message's content, counted here in UTF-16 units (never more than characters). */
const maxContentLength = 2000;

/** Cuts between code points, so no emoji or kanji is split in half. */
function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let kept = '';
  for (const char of text) {
    if (kept.length + char.length > maxLength - 1) break;
    kept += char;
  }
  return `${kept}…`;
}

/** The prompt as a block quote: it is echoed verbatim (mentions are disabled on every message). */
function quote(prompt: string, maxLength: number): string {
  const chars = [...prompt];
  const shown = chars.length > maxQuotedPromptChars ? `${chars.slice(0, maxQuotedPromptChars).join('')}…` : prompt;
  return truncate(shown.split('\n').map((line) => `> ${line}`).join('\n'), maxLength);
}

export { truncate };

export function failureText(m: Messages, code: string | null): string {
  return m.failureReasons[(code ?? 'provider_failed') as FailureReason] ?? m.failureReasons.provider_failed;
}

export function statusLine(job: Job, m: Messages, ctx: StatusContext): string {
  switch (job.status) {
    case 'awaiting_confirmation': return m.status.awaiting_confirmation(job.confirmDeadlineAt ?? job.createdAt);
    case 'queued': return m.status.queued(ctx.queuePosition);
    case 'submitting': return m.status.submitting;
    case 'submitted': return m.status.submitted(job.progress, ctx.predictedFinishMs);
    case 'completed': return m.status.completed;
    case 'delivered': return m.status.delivered(job.costMicros ?? job.estimateMicros);
    case 'failed': return m.status.failed(failureText(m, job.failureCode));
    case 'cancelled': return m.status.cancelled;
    case 'expired':
      if (job.failureCode === 'unusable_link') return m.unusableLinkStatus;
      if (job.failureCode === 'undeliverable') return m.delivery.undeliverableStatus;
      if (job.failureCode === 'resolved_billed') return m.ops.statusResolvedBilled(job.costMicros ?? job.estimateMicros);
      return job.failureCode === 'video_expired' ? m.status.video_expired : m.status.expired;
    case 'timed_out': return m.status.timed_out(ctx.jobTimeoutMinutes);
    case 'submit_unknown': return m.status.submit_unknown;
  }
}

/**
 * The job's status text. `withoutPrompt` leaves out everything the member wrote (prompt and image
 * name), for a server whose AutoMod blocks a word in it: the job's controls must work regardless.
 */
export function renderStatus(job: Job, ctx: StatusContext, opts: { withoutPrompt?: boolean } = {}): string {
  const m = messagesFor(job.locale);
  const r = job.request;
  const title = m.statusTitle(job.id);
  const params = m.statusParams({
    model: r.model, durationSec: r.duration, aspectRatio: r.aspect_ratio, resolution: r.resolution,
    imageName: opts.withoutPrompt ? null : (job.imageName?.slice(0, 100) ?? null), estimateMicros: job.estimateMicros,
  });
  // In the status itself: an ephemeral follow-up sent while the reply is still "thinking" would
  // become a public edit of that reply, which the next status edit overwrites.
  const orientation = job.imageOrientation && job.imageOrientation !== r.aspect_ratio
    ? [m.orientationNote(m.orientation[job.imageOrientation], m.orientation[r.aspect_ratio])]
    : [];
  const status = statusLine(job, m, ctx);
  const fixed = [params, ...orientation, status];
  if (opts.withoutPrompt) return [title, ...fixed].join('\n');
  const room = maxContentLength - title.length - fixed.reduce((n, line) => n + line.length + 1, 0) - 1;
  return [title, quote(r.prompt, room), ...fixed].join('\n');
}
