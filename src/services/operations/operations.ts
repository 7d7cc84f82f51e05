import type { Client, REST } from 'discord.js';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { OperationsQueries } from '../../db/operationsQueries.ts';
import type { RetentionStore } from '../../db/retentionStore.ts';
import type { Logger } from '../../logger.ts';
import type { ApimartClient } from '../apimart/client.ts';
import type { ProviderHealth } from '../apimart/providerHealth.ts';
import { observeDiscord } from './discordObservers.ts';
import { createHealthServer } from './healthServer.ts';
import { instrumentApimart } from './instrumentApimart.ts';
import { tapLogger } from './loggerTap.ts';
import { createMetrics } from './metrics.ts';
import { createRetention } from './retention.ts';

/** Log events that end a delivery attempt, and the outcome each one counts as. */
const deliveryOutcomeOf: Record<string, string> = {
  job_delivered: 'delivered',
  result_found_from_earlier_attempt: 'found_earlier_post',
  job_delivery_failed: 'attempt_failed',
  job_video_expired: 'link_expired',
  result_channel_unavailable: 'channel_unavailable',
  job_undeliverable: 'undeliverable',
  job_unusable_video_url: 'unusable_link',
};

/**
 * What an operator watches: metrics, the health check and data retention. Wraps the logger and the provider
 * client so the job pipeline reports to the metrics without knowing about them.
 */
export function createOperations(deps: {
  config: Config; queries: OperationsQueries; retentionStore: RetentionStore; logger: Logger; clock: Clock; health: ProviderHealth; apimart: ApimartClient;
  /** Added to METRICS_PORT, so several shard processes on one host each get their own port. */
  metricsPortOffset?: number;
}) {
  const { config, queries, clock, health } = deps;
  const metrics = createMetrics({ queries, health, clock });
  const logger = tapLogger(deps.logger, (event, level) => {
    metrics.countLogEvent(event, level);
    const outcome = deliveryOutcomeOf[event];
    if (outcome) metrics.countDelivery(outcome);
  });
  const retention = createRetention({ store: deps.retentionStore, clock, logger, retentionDays: config.retentionDays });
  let server: ReturnType<typeof createHealthServer> | undefined;

  return {
    logger,
    metrics,
    retention,
    apimart: instrumentApimart(deps.apimart, metrics),
    /** The bound metrics address and port once started (undefined when METRICS_PORT is unset). */
    port: undefined as number | undefined,
    address: undefined as string | undefined,
    /** `rests`: every REST client the bot answers through, the gateway client's own by default. */
    async start(client: Client, rests: readonly REST[] = [client.rest]): Promise<void> {
      const gateway = observeDiscord(client, metrics, Date.now, rests);
      void retention.start();
      if (config.metricsPort === undefined) return;
      server = createHealthServer({
        host: config.metricsHost,
        port: config.metricsPort === 0 ? 0 : config.metricsPort + (deps.metricsPortOffset ?? 0),
        registry: metrics.registry,
        unhealthyReason: async () => {
          if (!gateway.isGatewayConnected()) return 'gateway not connected';
          if (!await queries.isWritable()) return 'database not writable';
          return null;
        },
      });
      const bound = await server.listen();
      this.port = bound.port;
      this.address = bound.address;
      logger.info('metrics_listening', bound);
    },
    async stop(): Promise<void> {
      retention.stop();
      await server?.close();
    },
  };
}

export type Operations = ReturnType<typeof createOperations>;
