import { DiscordAPIError } from 'discord.js';
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../logger.ts';
import { classifyDiscordError } from './discordFaults.ts';

const attempts = 4;
const firstDelayMs = 500;

/**
 * A start-up request that may be repeated: a kept-alive connection closed under it, a timeout, a 5xx.
 * Without this, one socket closed by the other side at the wrong moment ended the whole start (three
 * of three 30,000-job bench runs). A refusal (a bad token, a missing permission) is not repeated.
 */
export async function retryAtStartup<T>(step: string, run: () => Promise<T>, deps: { clock: Clock; logger: Logger }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const refused = err instanceof DiscordAPIError && (err.status === 401 || classifyDiscordError(err).kind !== 'temporary');
      if (refused || attempt >= attempts) throw err;
      const delayMs = firstDelayMs * 2 ** (attempt - 1);
      deps.logger.warn('startup_step_retried', { step, attempt, delayMs, err });
      await new Promise<void>((resolve) => deps.clock.setTimeout(resolve, delayMs));
    }
  }
}
