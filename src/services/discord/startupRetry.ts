import { DiscordAPIError } from 'discord.js';
import type { Logger } from '../../logger.ts';
import { classifyDiscordError } from './discordFaults.ts';

const attempts = 4;
const firstDelayMs = 500;

/**
 * A start-up request that may be repeated: a kept-alive connection closed under it, a timeout, a 5xx.
 * Without this, one socket closed by the other side at the wrong moment ended the whole start (three
 * of three 30,000-job bench runs). A refusal (a bad token, a missing permission) is not repeated.
 */
export async function retryAtStartup<T>(step: string, run: () => Promise<T>, deps: { logger: Logger; sleep?: (ms: number) => Promise<void> }): Promise<T> {
  // A timer that holds the process open: before the gateway connects, nothing else may.
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const refused = err instanceof DiscordAPIError && (err.status === 401 || classifyDiscordError(err).kind !== 'temporary');
      if (refused || attempt >= attempts) throw err;
      const delayMs = firstDelayMs * 2 ** (attempt - 1);
      deps.logger.warn('startup_step_retried', { step, attempt, delayMs, err });
      await sleep(delayMs);
    }
  }
}
