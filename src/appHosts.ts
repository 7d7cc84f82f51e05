import type { Clock } from './clock.ts';
import type { HostCoordination } from './db/hostCoordination.ts';
import type { Logger } from './logger.ts';
import { createModelHealth } from './services/apimart/modelHealth.ts';
import { createProviderHealth } from './services/apimart/providerHealth.ts';
import { shareProviderState } from './services/apimart/sharedProviderState.ts';

/** What discord.js's identify throttler hook is given: the manager that knows the gateway's limits. */
interface GatewayInformationSource {
  fetchGatewayInformation(): Promise<{ session_start_limit: { max_concurrency: number } }>;
}

/**
 * The provider account's state and the gateway's identify throttle: kept in memory on one host; in the
 * database (`hosts`, PostgreSQL) when several hosts must agree on them.
 */
export function hostWideState(hosts: HostCoordination | undefined, clock: Pick<Clock, 'now'>, logger: Logger) {
  const health = createProviderHealth();
  const models = createModelHealth({ clock });
  if (!hosts) return { health, models, sharedProviderState: undefined, clientOptions: {} };
  const sharedProviderState = shareProviderState({ store: hosts.providerState, health, models, logger });
  return {
    health: sharedProviderState.health,
    models: sharedProviderState.models,
    sharedProviderState,
    // Every host identifies in turn through the database, per max_concurrency bucket, for the whole bot.
    clientOptions: {
      ws: {
        buildIdentifyThrottler: async (manager: GatewayInformationSource) =>
          hosts.identifyThrottler((await manager.fetchGatewayInformation()).session_start_limit.max_concurrency),
      },
    },
  };
}
