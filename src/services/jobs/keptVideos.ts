import type { ResultPayload } from './resultPoster.ts';

/**
 * The downloaded video of each job between its delivery attempts, so a retry never downloads it
 * again. Bounded in total: past `limitBytes`, a job keeps only its link.
 */
export function createKeptVideos(limitBytes: number) {
  const kept = new Map<number, ResultPayload>();
  let keptBytes = 0;

  function forget(jobId: number): void {
    const payload = kept.get(jobId);
    if (payload?.kind === 'file') keptBytes -= payload.bytes.length;
    kept.delete(jobId);
  }

  return {
    get: (jobId: number) => kept.get(jobId),
    keep(jobId: number, payload: ResultPayload): void {
      forget(jobId);
      const size = payload.kind === 'file' ? payload.bytes.length : 0;
      const stored: ResultPayload = keptBytes + size > limitBytes ? { kind: 'link' } : payload;
      if (stored.kind === 'file') keptBytes += size;
      kept.set(jobId, stored);
    },
    forget,
  };
}
