/** One settled job: what it was estimated at against what the provider reported it cost. */
export interface PriceCheck { estimateMicros: number; costMicros: number }

/**
 * Estimates against reported costs, per model (written with the settlement, in completeTask): whether
 * the price table still matches what the provider bills.
 */
export interface PriceCheckStore {
  /** Every model that has a settled job with a reported cost. */
  pricedModels(): Promise<string[]>;
  /** The model's last `limit` settled jobs with a reported cost, newest first. */
  recentPriceChecks(model: string, limit: number): Promise<PriceCheck[]>;
}
