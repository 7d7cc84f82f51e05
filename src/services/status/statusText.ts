import type { Job } from '../../db/job.ts';
import type { FailureReason, Messages } from '../../i18n/messages.ts';

export interface StatusContext { queuePosition: number; jobTimeoutMinutes: number; predictedFinishMs: number | null }

/** Cuts between code points, so no emoji or kanji is split in half. */
export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let kept = '';
  for (const char of text) {
    if (kept.length + char.length > maxLength - 1) break;
    kept += char;
  }
  return `${kept}…`;
}

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
