/** Money is an integer count of micro-USD: every catalog price is exact and sums never drift. */
export type Micros = number;

const MICROS_PER_USD = 1_000_000;
const DECIMALS = 6;
const DECIMAL = /^(\d*)(?:\.(\d*))?$/;

/**
 * Converts a USD amount to micros without floating-point error.
 * Numbers go through their shortest decimal form (String(0.1) === '0.1'), so a price read from JSON
 * converts exactly; amounts finer than a micro-dollar are rejected rather than silently rounded.
 */
export function usdToMicros(usd: number | string): Micros {
  const text = typeof usd === 'number' ? numberToDecimal(usd) : usd.trim();
  const match = DECIMAL.exec(text);
  const whole = match?.[1] ?? '';
  const fraction = (match?.[2] ?? '').replace(/0+$/, '');
  if (!match || (whole === '' && (match[2] ?? '') === '')) {
    throw new RangeError('amount must be a non-negative number of USD');
  }
  if (fraction.length > DECIMALS) {
    throw new RangeError(`amount must have at most ${DECIMALS} decimal places`);
  }
  const micros = Number(whole || '0') * MICROS_PER_USD + Number(fraction.padEnd(DECIMALS, '0'));
  if (!Number.isSafeInteger(micros)) throw new RangeError('amount is too large');
  return micros;
}

/** True when usdToMicros would accept the amount. */
export function isUsdAmount(usd: number | string): boolean {
  try {
    usdToMicros(usd);
    return true;
  } catch {
    return false;
  }
}

function numberToDecimal(usd: number): string {
  if (!Number.isFinite(usd) || usd < 0) {
    throw new RangeError('amount must be a non-negative number of USD');
  }
  if (usd > Number.MAX_SAFE_INTEGER / MICROS_PER_USD) throw new RangeError('amount is too large');
  const text = String(usd);
  // Tiny or huge numbers print in exponent form; spell them out so the digit checks still apply.
  return text.includes('e') ? usd.toFixed(20) : text;
}

/** '$0.80', '$1.20', '$0.05'; more digits only when a cent is not exact ('$0.001234'). */
export function formatUsd(micros: Micros): string {
  if (!Number.isSafeInteger(micros)) throw new RangeError('micros must be a safe integer');
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS_PER_USD);
  const fraction = String(abs % MICROS_PER_USD)
    .padStart(DECIMALS, '0')
    .replace(/0+$/, '')
    .padEnd(2, '0');
  return `${sign}$${whole}.${fraction}`;
}
