import type { PriceCheck } from '../priceChecks.ts';
import type { Db } from './openDatabase.ts';

/** Estimates against reported costs, per model: whether the price table still matches what the provider bills. */
export function createPriceChecks(db: Db) {
  const insert = db.prepare(
    'INSERT INTO price_checks (job_id, model, estimate_micros, cost_micros, settled_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_id) DO NOTHING');
  const models = db.prepare<[], { model: string }>('SELECT DISTINCT model FROM price_checks ORDER BY model');
  // Newest first through the (model, job_id) index: the cost does not grow with the table.
  const recent = db.prepare<[string, number], { estimate_micros: number; cost_micros: number }>(
    'SELECT estimate_micros, cost_micros FROM price_checks WHERE model = ? ORDER BY job_id DESC LIMIT ?');

  return {
    /** Called inside the transaction that settles the job at its reported cost. */
    recordPriceCheck(jobId: number, model: string, check: PriceCheck, now: number): void {
      insert.run(jobId, model, check.estimateMicros, check.costMicros, now);
    },
    /** Every model that has a settled job with a reported cost. */
    pricedModels: (): string[] => models.all().map((r) => r.model),
    /** The model's last `limit` settled jobs with a reported cost, newest first. */
    recentPriceChecks: (model: string, limit: number): PriceCheck[] =>
      recent.all(model, limit).map((r) => ({ estimateMicros: r.estimate_micros, costMicros: r.cost_micros })),
  };
}

