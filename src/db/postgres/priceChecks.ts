import type pg from 'pg';
import type { PriceCheckStore } from '../priceChecks.ts';
import { rows } from './sql.ts';

/** Estimates against reported costs, per model; the rows are written by completeTask's own statement. */
export function createPriceChecks(pool: pg.Pool): PriceCheckStore {
  return {
    pricedModels: async () => (await rows<{ model: string }>(pool, 'SELECT DISTINCT model FROM price_checks ORDER BY model')).map((r) => r.model),
    // Newest first through the (model, job_id) index: the cost does not grow with the table.
    recentPriceChecks: async (model, limit) => (await rows<{ estimate_micros: number; cost_micros: number }>(pool,
      'SELECT estimate_micros, cost_micros FROM price_checks WHERE model = $1 ORDER BY job_id DESC LIMIT $2', [model, limit]))
      .map((r) => ({ estimateMicros: r.estimate_micros, costMicros: r.cost_micros })),
  };
}
