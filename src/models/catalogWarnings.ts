import type { Logger } from '../logger.ts';
import type { ModelCatalog } from './modelCatalog.ts';
import { hasPlaceholderPrice } from './priceRule.ts';

/** Prices read longer ago than this may no longer be what apimart charges. */
export const stalePriceDays = 60;
const dayMs = 86_400_000;

export type PriceWarning =
  | { problem: 'placeholder_prices'; models: string[] }
  | { problem: 'stale_prices'; models: string[]; maxAgeDays: number; oldestReadOn: string };

/** The catalog's prices an operator should check: guesses, and prices read over 60 days ago. */
export function catalogPriceWarnings(catalog: ModelCatalog, nowMs: number): PriceWarning[] {
  const warnings: PriceWarning[] = [];
  const placeholders = catalog.models.filter(hasPlaceholderPrice).map((m) => m.id);
  if (placeholders.length > 0) warnings.push({ problem: 'placeholder_prices', models: placeholders });
  const stale = catalog.models
    .filter((m) => m.price.readOn !== undefined && nowMs - Date.parse(`${m.price.readOn}T00:00:00Z`) > stalePriceDays * dayMs)
    .sort((a, b) => (a.price.readOn ?? '').localeCompare(b.price.readOn ?? ''));
  if (stale.length > 0) {
    warnings.push({ problem: 'stale_prices', models: stale.map((m) => m.id), maxAgeDays: stalePriceDays, oldestReadOn: stale[0]?.price.readOn ?? '' });
  }
  return warnings;
}

/** One `config_warning` line per problem, at start. */
export function warnAboutCatalogPrices(catalog: ModelCatalog, logger: Logger, nowMs: number): void {
  for (const warning of catalogPriceWarnings(catalog, nowMs)) logger.warn('config_warning', { ...warning });
}
