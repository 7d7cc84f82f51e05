import { describe, expect, it } from 'vitest';
import {
  ApimartHttpError,
  ApimartNetworkError,
  ApimartResponseShapeError,
  ApimartTimeoutError,
  type ApimartErrorContext,
} from '../../src/services/apimart/errors.ts';
import {
  isProviderUnavailable,
  isRetryableRead,
  submitOutcomeUnknown,
  submitWasRefused,
} from '../../src/services/apimart/errorVerdicts.ts';
import { collectErrorCodes, parseRetryAfterMs, sanitizeProviderText, wasNeverSent } from '../../src/services/apimart/failureDetails.ts';

const submit: ApimartErrorContext = { operation: 'submit', method: 'POST', path: '/v1/videos/generations' };
const http = (status: number, type?: string) => new ApimartHttpError(submit, { status, type });

describe('apimart error predicates', () => {
  it.each([
    ['429', http(429), { read: true, refused: true, unknown: false, unavailable: false }],
    ['500', http(500), { read: true, refused: false, unknown: true, unavailable: false }],
    ['502', http(502, 'bad_gateway'), { read: true, refused: false, unknown: true, unavailable: false }],
    ['400', http(400, 'invalid_request_error'), { read: false, refused: false, unknown: false, unavailable: false }],
    ['401', http(401), { read: false, refused: false, unknown: false, unavailable: true }],
    ['402', http(402), { read: false, refused: false, unknown: false, unavailable: true }],
    ['403', http(403), { read: false, refused: false, unknown: false, unavailable: true }],
    ['200 payment_required', http(200, 'payment_required'), { read: false, refused: false, unknown: false, unavailable: true }],
    ['200 rate_limit_error', http(200, 'rate_limit_error'), { read: true, refused: true, unknown: false, unavailable: false }],
    ['never sent', new ApimartNetworkError(submit, false, 'ECONNREFUSED', null), { read: true, refused: true, unknown: false, unavailable: false }],
    ['reset', new ApimartNetworkError(submit, true, 'ECONNRESET', null), { read: true, refused: false, unknown: true, unavailable: false }],
    ['timeout', new ApimartTimeoutError(submit, 100), { read: true, refused: false, unknown: true, unavailable: false }],
    ['unreadable 200', new ApimartResponseShapeError(submit, 200, 'x'), { read: false, refused: false, unknown: true, unavailable: false }],
    ['foreign error', new Error('bug'), { read: false, refused: false, unknown: true, unavailable: false }],
  ])('classifies %s', (_label, err, expected) => {
    expect({
      read: isRetryableRead(err),
      refused: submitWasRefused(err),
      unknown: submitOutcomeUnknown(err),
      unavailable: isProviderUnavailable(err),
    }).toEqual(expected);
  });

  it.each([
    [{ cause: { code: 'ECONNREFUSED' } }, false],
    [{ cause: { code: 'ENOTFOUND' } }, false],
    [{ cause: { code: 'EAI_AGAIN' } }, false],
    [{ cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'EHOSTUNREACH' })]) }, false],
    [{ cause: { code: 'ECONNRESET' } }, true],
    [{ cause: { code: 'UND_ERR_SOCKET' } }, true],
    [{ cause: { code: 'ECONNREFUSED', cause: { code: 'ECONNRESET' } } }, true],
    [new TypeError('fetch failed'), true],
  ])('decides whether %o may have been sent', (err, sent) => {
    expect(!wasNeverSent(collectErrorCodes(err))).toBe(sent);
  });

  it.each([
    ['30', 30_000],
    ['1.5', 1500],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['Thu, 01 Jan 2025 00:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('parses Retry-After %s as %s ms', (value, ms) => {
    expect(parseRetryAfterMs(value, Date.UTC(2026, 0, 1))).toBe(ms);
  });

  it('strips the key and any bearer token from provider text', () => {
    expect(sanitizeProviderText('key sk-abc rejected; Authorization: Bearer other-token', 'sk-abc')).toBe(
      'key [redacted] rejected; Authorization: Bearer [redacted]',
    );
  });
});
