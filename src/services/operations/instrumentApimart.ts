import type { ApimartClient } from '../apimart/client.ts';
import { ApimartHttpError, ApimartNetworkError, ApimartResponseShapeError, ApimartTimeoutError } from '../apimart/errors.ts';
import type { Metrics, ProviderCallOutcome } from './metrics.ts';

export function callOutcome(err: unknown): ProviderCallOutcome {
  if (err instanceof ApimartHttpError) {
    if (err.status === 429) return 'rate_limited';
    return err.status >= 500 ? 'server_error' : 'client_error';
  }
  if (err instanceof ApimartTimeoutError) return 'timeout';
  if (err instanceof ApimartNetworkError) return 'network';
  if (err instanceof ApimartResponseShapeError) return 'bad_answer';
  return 'other';
}

/** The same client, with every submit and status read timed and counted by outcome. */
export function instrumentApimart(client: ApimartClient, metrics: Metrics, nowMs: () => number = performance.now.bind(performance)): ApimartClient {
  const timed = async <T>(call: () => Promise<T>, observe: (seconds: number, outcome: ProviderCallOutcome) => void): Promise<T> => {
    const started = nowMs();
    try {
      const result = await call();
      observe((nowMs() - started) / 1000, 'ok');
      return result;
    } catch (err) {
      observe((nowMs() - started) / 1000, callOutcome(err));
      throw err;
    }
  };
  return {
    ...client,
    submit: (req, opts) => timed(() => client.submit(req, opts), metrics.observeSubmit),
    getTask: (taskId, opts) => timed(() => client.getTask(taskId, opts), metrics.observePoll),
    getBalance: () => client.getBalance(),
  };
}
