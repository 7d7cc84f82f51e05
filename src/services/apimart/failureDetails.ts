/**
 * What an apimart error is built from, read off the failed request: the codes in a network failure's
 * causes, the Retry-After header, and the provider's own words with the key taken out.
 */

// Error codes that mean the TCP connection was never established, so nothing reached the provider.
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Codes found in a fetch failure's cause chain (including AggregateError members). */
export function collectErrorCodes(err: unknown, depth = 0): string[] {
  if (depth > 5 || typeof err !== 'object' || err === null) return [];
  const codes: string[] = [];
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.push(code);
  codes.push(...collectErrorCodes(cause, depth + 1));
  if (Array.isArray(errors)) for (const inner of errors) codes.push(...collectErrorCodes(inner, depth + 1));
  return codes;
}

export function wasNeverSent(codes: readonly string[]): boolean {
  return codes.length > 0 && codes.every((code) => NEVER_SENT_CODES.has(code));
}

/** Removes the key and any bearer token from provider text, and bounds its length. */
export function sanitizeProviderText(text: string, apiKey: string): string {
  let clean = apiKey.length > 0 ? text.split(apiKey).join('[redacted]') : text;
  clean = clean.replace(/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]');
  return clean.length > 500 ? `${clean.slice(0, 500)}…` : clean;
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
