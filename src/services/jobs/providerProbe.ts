import type { Logger } from '../../logger.ts';
import type { ApimartClient } from '../apimart/client.ts';
import type { ProviderHealth } from '../apimart/providerHealth.ts';

/**
 * While the provider account is unavailable (a revoked key, an empty balance), its balance is asked
 * every `intervalMs`; once it can pay again, submissions resume.
 */
export function createProviderProbe(deps: {
  health: ProviderHealth; apimart: ApimartClient; logger: Logger; intervalMs: number;
  /** Runs the probe after `delayMs` (one timer: a new one replaces the last). */
  later: (delayMs: number, probe: () => Promise<void>) => void;
  onAvailable: () => void;
}) {
  const { health, logger } = deps;
  async function probe(): Promise<void> {
    if (health.isAvailable()) return;
    try {
      const balance = await deps.apimart.getBalance();
      if (balance.unlimited || balance.remainingUsd === null || balance.remainingUsd > 0) {
        health.markAvailable();
        logger.info('provider_available_again');
        deps.onAvailable();
        return;
      }
    } catch (err) {
      logger.warn('provider_probe_failed', { err });
    }
    deps.later(deps.intervalMs, probe);
  }
  return { start: () => deps.later(deps.intervalMs, probe) };
}
