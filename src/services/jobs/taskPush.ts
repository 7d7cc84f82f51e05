import type { Logger } from '../../logger.ts';

/**
 * Push from the provider: each submit names a webhook, and the provider's callback for a task is a
 * hint to poll it now. Which jobs carry a webhook is kept in memory: after a restart the callback
 * path (which holds a per-process secret) is new, so resumed jobs go back to plain polling.
 */
export function createTaskPush(opts: { logger: Logger }) {
  let enabled = true;
  let webhookUrl: string | undefined;
  const withCallback = new Set<number>();
  return {
    /** The callback server listens: submits may name it from now on. */
    activate: (url: string) => void (webhookUrl = url),
    /** The `webhook` value for a submit, or undefined before the server listens or once the provider refused the field. */
    webhookField: (): string | undefined => (enabled ? webhookUrl : undefined),
    /** A submit carrying the field was refused with 400: stop sending it (logged once). */
    refused(err: unknown): void {
      if (!enabled) return;
      enabled = false;
      opts.logger.warn('webhook_field_refused', { err, action: 'submits no longer carry webhook; jobs are polled instead' });
    },
    expectCallbacks: (jobId: number) => void withCallback.add(jobId),
    expectsCallbacks: (jobId: number) => withCallback.has(jobId),
    forget: (jobId: number) => void withCallback.delete(jobId),
  };
}

export type TaskPush = ReturnType<typeof createTaskPush>;
