import { usdToMicros, type Micros } from '../money.ts';
import type { ModelEntry, PriceRow, ResolvedSettings } from './modelEntry.ts';

type PricedSettings = Pick<ResolvedSettings, 'durationSec' | 'resolution' | 'audio'>;

/** The first row whose settings all match: rows list the specific cases before the general ones. */
export function priceRowFor(entry: ModelEntry, s: PricedSettings): PriceRow | undefined {
  return entry.price.rows.find((row) =>
    (row.resolution === undefined || row.resolution === s.resolution)
    && (row.audio === undefined || row.audio === s.audio)
    && (row.durationSec === undefined || row.durationSec === s.durationSec));
}

/** What the job is quoted and reserved at: per second × duration, or per clip. */
export function estimateMicros(entry: ModelEntry, s: PricedSettings): Micros {
  const row = priceRowFor(entry, s);
  // The catalog is checked at start to price every combination it offers; reaching this is a bug.
  if (!row) throw new RangeError(`model ${entry.id} has no price for ${JSON.stringify(s)}`);
  const micros = usdToMicros(row.usd);
  return entry.price.per === 'second' ? micros * s.durationSec : micros;
}

/** Every distinct price of the entry, lowest first: for choice labels such as `$0.04–0.09/s`. */
export function priceRange(entry: ModelEntry): { lowMicros: Micros; highMicros: Micros } {
  const all = entry.price.rows.map((row) => usdToMicros(row.usd));
  return { lowMicros: Math.min(...all), highMicros: Math.max(...all) };
}

/** Whether any of the entry's prices is a guess rather than a price read from a source. */
export function hasPlaceholderPrice(entry: ModelEntry): boolean {
  return entry.price.placeholder === true || entry.price.rows.some((row) => row.placeholder === true);
}
