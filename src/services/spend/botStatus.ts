import type { Clock } from '../../clock.ts';
import type { JobStatus } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { OperationsQueries } from '../../db/operationsQueries.ts';
import type { BotStatusView } from '../../i18n/opsMessages.ts';
import type { ModelHealth } from '../apimart/modelHealth.ts';
import type { ModelAvailability } from '../apimart/modelAvailability.ts';
import type { ProviderHealth } from '../apimart/providerHealth.ts';
import { resolvableAt, type LatePollWindow } from './resolvable.ts';

export interface BotStatusDeps {
  store: JobStore;
  queue: Pick<OperationsQueries, 'unfinishedJobCounts' | 'oldestActiveJobCreatedAt'>;
  health: ProviderHealth; models: ModelHealth; clock: Clock; latePoll: LatePollWindow;
  availability?: Pick<ModelAvailability, 'notOffered'>;
  version: string; startedAt: number;
}

/**
 * `/video-admin status`: the pipeline is bot-wide (queue, provider, models), the jobs awaiting
 * resolution are this server's, since its admins can resolve only those.
 */
export function createBotStatus(deps: BotStatusDeps) {
  return {
    async view(guildId: string): Promise<BotStatusView> {
      const now = deps.clock.now();
      const counts = await deps.queue.unfinishedJobCounts();
      const count = (status: JobStatus) => counts.get(status) ?? 0;
      return {
        queued: count('queued'), running: count('submitting') + count('submitted'),
        oldestJobCreatedAt: await deps.queue.oldestActiveJobCreatedAt(),
        providerDownReason: deps.health.reason(),
        modelsOff: deps.models.turnedOff(),
        modelsNotOffered: deps.availability?.notOffered(),
        awaiting: (await deps.store.jobsNeedingAttention(guildId)).map((job) => ({
          jobId: job.id, status: job.status === 'timed_out' ? 'timed_out' as const : 'submit_unknown' as const,
          resolvableAt: resolvableAt(job, deps.latePoll, now),
        })),
        version: deps.version, startedAt: deps.startedAt, now,
      };
    },
  };
}

export type BotStatus = ReturnType<typeof createBotStatus>;
