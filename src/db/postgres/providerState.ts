import type pg from 'pg';
import type { ProviderStateStore, SharedProviderState } from '../hostCoordination.ts';
import { changes, firstRow } from './sql.ts';
import { withRetry } from './transaction.ts';

export function createProviderStateStore(pool: pg.Pool): ProviderStateStore {
  const write = (sql: string, values: unknown[] = []) => withRetry(() => changes(pool, sql, values));
  return {
    async read(): Promise<SharedProviderState> {
      const row = await firstRow<{ hold_until: number; unavailable_reason: string | null; models: { model: string; since: number }[] }>(pool,
        `SELECT hold_until, unavailable_reason,
           (SELECT COALESCE(json_agg(json_build_object('model', model, 'since', since) ORDER BY model), '[]') FROM models_turned_off) AS models
         FROM provider_state WHERE id = 1`);
      return { holdUntil: row?.hold_until ?? 0, unavailableReason: row?.unavailable_reason ?? null, modelsOff: row?.models ?? [] };
    },
    async holdSubmissions(untilMs) {
      await write('UPDATE provider_state SET hold_until = GREATEST(hold_until, $1) WHERE id = 1', [untilMs]);
    },
    async setUnavailable(reason) {
      await write('UPDATE provider_state SET unavailable_reason = $1 WHERE id = 1', [reason]);
    },
    async turnModelOff(model, sinceMs) {
      await write('INSERT INTO models_turned_off (model, since) VALUES ($1, $2) ON CONFLICT (model) DO NOTHING', [model, sinceMs]);
    },
    async turnModelsOn() {
      await write('DELETE FROM models_turned_off');
    },
  };
}
