import type { Job } from '../../db/job.ts';
import type { FailureReason, Messages } from '../../i18n/messages.ts';

export interface StatusContext {
  queuePosition: number;
  jobTimeoutMinutes: number;
  predictedFinishMs: number | null;
  /** For a timed-out job: when the poller stops looking for its late result (null for any other job). */
  latePollingEndsAtMs: number | null;
}

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

/** A timed-out job whose late-poll window has passed: nothing asks the provider about it any more. */
export function pollingStopped(job: Job, ctx: StatusContext, nowMs: number): boolean {
  return job.status === 'timed_out' && ctx.latePollingEndsAtMs !== null && nowMs > ctx.latePollingEndsAtMs;
}

export function statusLine(job: Job, m: Messages, ctx: StatusContext, nowMs: number): string {
  switch (job.status) {
    case 'awaiting_confirmation': return m.status.awaiting_confirmation(job.confirmDeadlineAt ?? job.createdAt);
    case 'queued': return m.status.queued(ctx.queuePosition);
    case 'submitting': return m.status.submitting;
    case 'submitted': return m.status.submitted;
    case 'completed': return m.status.completed;
    case 'delivered': return m.status.delivered(job.costMicros ?? job.estimateMicros);
    case 'failed': return m.status.failed(failureText(m, job.failureCode));
    case 'cancelled': return m.status.cancelled;
    case 'expired':
      if (job.failureCode === 'unusable_link') return m.unusableLinkStatus;
      if (job.failureCode === 'undeliverable') return m.delivery.undeliverableStatus;
      if (job.failureCode === 'resolved_billed') return m.ops.statusResolvedBilled(job.costMicros ?? job.estimateMicros);
      return job.failureCode === 'video_expired' ? m.status.video_expired : m.status.expired;
    case 'timed_out': {
      const endsAt = ctx.latePollingEndsAtMs ?? nowMs;
      return pollingStopped(job, ctx, nowMs) ? m.status.timed_out_stopped(ctx.jobTimeoutMinutes, endsAt) : m.status.timed_out(ctx.jobTimeoutMinutes, endsAt);
    }
    case 'submit_unknown': return m.status.submit_unknown;
  }
}
