import type { ProviderStateStore, SharedProviderState } from '../../db/hostCoordination.ts';
import type { Logger } from '../../logger.ts';
import type { ModelHealth } from './modelHealth.ts';
import type { ProviderHealth } from './providerHealth.ts';

/**
 * Several hosts, one provider account: a 429's hold, the 401/402 breaker and the models turned off live
 * in the database. Each process keeps its own copy for the checks that must answer at once (a command
 * is refused before its acknowledgement): what it learns is written through, what others learned is
 * read back by `refresh`. Only a change of the shared value is applied, so a refresh that reads just
 * before this process's own write lands never undoes it.
 */
export function shareProviderState(deps: { store: ProviderStateStore; health: ProviderHealth; models: ModelHealth; logger: Logger }) {
  const { store, health, models, logger } = deps;
  let seen: SharedProviderState = { holdUntil: 0, unavailableReason: null, modelsOff: [] };
  const publish = (what: string, write: Promise<void>) => void write.catch((err) => logger.warn('shared_provider_state_write_failed', { what, err }));
  const modelsKey = (list: SharedProviderState['modelsOff']) => list.map((m) => m.model).sort().join('\n');

  const sharedHealth: ProviderHealth = {
    ...health,
    markUnavailable(reason) {
      const changed = health.markUnavailable(reason);
      seen = { ...seen, unavailableReason: reason };
      publish('unavailable', store.setUnavailable(reason));
      return changed;
    },
    markAvailable() {
      const changed = health.markAvailable();
      seen = { ...seen, unavailableReason: null };
      publish('available', store.setUnavailable(null));
      return changed;
    },
    holdSubmissions(untilMs) {
      health.holdSubmissions(untilMs);
      publish('hold', store.holdSubmissions(untilMs));
    },
  };
  const sharedModels: ModelHealth = {
    ...models,
    recordGone(model) {
      const answer = models.recordGone(model);
      if (answer.turnedOff) {
        seen = { ...seen, modelsOff: models.turnedOff() };
        publish('model_off', store.turnModelOff(model, models.turnedOff().find((m) => m.model === model)?.since ?? 0));
      }
      return answer;
    },
    turnOnAll() {
      const turnedOn = models.turnOnAll();
      seen = { ...seen, modelsOff: [] };
      publish('models_on', store.turnModelsOn());
      return turnedOn;
    },
  };

  return {
    health: sharedHealth,
    models: sharedModels,
    /** Reads what every host agreed on; true when the provider became available again through another host. */
    async refresh(): Promise<boolean> {
      const shared = await store.read();
      health.holdSubmissions(shared.holdUntil);
      let recovered = false;
      if (shared.unavailableReason !== seen.unavailableReason) {
        if (shared.unavailableReason === null) recovered = health.markAvailable();
        else health.markUnavailable(shared.unavailableReason);
      }
      if (modelsKey(shared.modelsOff) !== modelsKey(seen.modelsOff)) models.adoptTurnedOff(shared.modelsOff);
      seen = shared;
      return recovered;
    },
  };
}

export type SharedProviderStateSync = ReturnType<typeof shareProviderState>;
