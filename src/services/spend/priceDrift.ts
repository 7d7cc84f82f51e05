import type { PriceCheck, PriceCheckStore } from '../../db/priceChecks.ts';

/** How many of a model's latest settled jobs are compared: recent enough to follow a price change. */
export const priceDriftWindow = 20;
/** Fewer jobs than this say nothing yet: one odd task (a refund, a token-priced extra) is not a trend. */
export const priceDriftMinJobs = 5;
/** Reported costs this far from the estimates, together, mean the price table no longer matches. */
export const priceDriftTolerance = 0.1;

export interface PriceDrift {
  model: string;
  jobs: number;
  estimateMicros: number;
  costMicros: number;
  /** Reported over estimated, as a whole: 1.25 means the provider billed a quarter more than the table said. */
  ratio: number;
}

/**
 * The price table looks out of date for a model when, over its last `priceDriftWindow` settled jobs with a
 * reported cost (at least `priceDriftMinJobs`), the costs together differ from the estimates together by more
 * than `priceDriftTolerance`. Sums, not per-job ratios: a cheap clip off by a cent must not outweigh the rest.
 */
export function priceDrift(model: string, checks: readonly PriceCheck[]): PriceDrift | undefined {
  const recent = checks.slice(0, priceDriftWindow);
  if (recent.length < priceDriftMinJobs) return undefined;
  const estimateMicros = recent.reduce((sum, c) => sum + c.estimateMicros, 0);
  const costMicros = recent.reduce((sum, c) => sum + c.costMicros, 0);
  if (estimateMicros === 0) {
    return costMicros === 0 ? undefined : { model, jobs: recent.length, estimateMicros, costMicros, ratio: Infinity };
  }
  // Compared in whole micro-dollars: 11/10 - 1 is a hair above 0.1 in floating point.
  if (Math.abs(costMicros - estimateMicros) <= estimateMicros * priceDriftTolerance) return undefined;
  return { model, jobs: recent.length, estimateMicros, costMicros, ratio: costMicros / estimateMicros };
}

/** Every model whose settled costs have drifted from its estimates. */
export async function stalePrices(store: PriceCheckStore): Promise<PriceDrift[]> {
  const drifts: PriceDrift[] = [];
  for (const model of await store.pricedModels()) {
    const drift = priceDrift(model, await store.recentPriceChecks(model, priceDriftWindow));
    if (drift) drifts.push(drift);
  }
  return drifts;
}
