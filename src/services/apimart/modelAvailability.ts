import type { Clock, TimerHandle } from '../../clock.ts';
import type { Logger } from '../../logger.ts';
import type { ApimartClient } from './client.ts';

/** "About hourly" (issue 17): models come and go upstream over days, not minutes. */
export const modelListRefreshMs = 60 * 60_000;
/** Start-up waits this long for the first list; a slower answer still applies when it arrives. */
export const firstListWaitMs = 10_000;

export interface ModelAvailabilityDeps {
  apimart: Pick<ApimartClient, 'listModels'>;
  clock: Clock;
  logger: Logger;
  /** The catalog's model ids, so the log names what changed for the members, not the whole list. */
  catalogModelIds: () => readonly string[];
  defaultModel: string;
  refreshEveryMs?: number;
}

/**
 * Which models the key can call, from `GET /v1/models` at start and hourly after. Until a list has been
 * read, and whenever it cannot be read, the catalog stands: the last list read is kept, or, if none ever
 * was, every catalog model is offered as configured. An unreadable list is logged once until it is
 * readable again, not once an hour.
 */
export function createModelAvailability(deps: ModelAvailabilityDeps) {
  const { apimart, clock, logger } = deps;
  const refreshEveryMs = deps.refreshEveryMs ?? modelListRefreshMs;
  let listed: ReadonlySet<string> | undefined;
  let unreadable = false;
  let timer: TimerHandle | undefined;
  let stopped = false;
  const listeners: (() => void)[] = [];

  const isOffered = (modelId: string): boolean => listed === undefined || listed.has(modelId);
  const notOffered = () => deps.catalogModelIds().filter((id) => !isOffered(id));

  async function refresh(): Promise<void> {
    let ids: Set<string>;
    try {
      const models = await apimart.listModels();
      // A key that can call nothing at all is not a key that lost every model overnight: more likely a
      // broken answer, and trusting it would refuse every /video.
      if (models.length === 0) throw new Error('the model list is empty');
      ids = new Set(models.map((m) => m.id));
    } catch (err) {
      if (!unreadable) {
        logger.warn('model_list_unreadable', {
          err, action: listed ? 'the models last listed stay offered' : 'every catalog model stays offered as configured',
        });
      }
      unreadable = true;
      return;
    }
    if (unreadable) logger.info('model_list_readable_again');
    unreadable = false;
    const before = notOffered();
    listed = ids;
    const after = notOffered();
    const noLongerOffered = after.filter((id) => !before.includes(id));
    const offeredAgain = before.filter((id) => !after.includes(id));
    if (noLongerOffered.length === 0 && offeredAgain.length === 0) return;
    logger.warn('model_availability_changed', { noLongerOffered, offeredAgain, notOffered: after });
    if (!isOffered(deps.defaultModel)) {
      logger.error('default_model_not_offered', { model: deps.defaultModel, action: '/video without a model is refused until DEFAULT_MODEL names a model the key can call' });
    }
    for (const listener of listeners) listener();
  }

  function scheduleNext(): void {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      void refresh().finally(scheduleNext);
    }, refreshEveryMs);
  }

  return {
    isOffered,
    /** Called after a read changed which catalog models are offered. */
    onChange(listener: () => void): void {
      listeners.push(listener);
    },
    /** Catalog models the key cannot call, by the last list read. */
    notOffered,
    /** Reads the list (waiting at most `firstListWaitMs`), then again every hour. */
    async start(): Promise<void> {
      let waited: TimerHandle | undefined;
      const first = refresh();
      await Promise.race([first, new Promise<void>((resolve) => { waited = clock.setTimeout(resolve, firstListWaitMs); })]);
      if (waited) clock.clearTimeout(waited);
      void first.finally(scheduleNext);
    },
    stop(): void {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
    },
    /** For tests and the admin status: the ids last listed, or undefined while none were. */
    listedIds: (): ReadonlySet<string> | undefined => listed,
  };
}

export type ModelAvailability = ReturnType<typeof createModelAvailability>;
