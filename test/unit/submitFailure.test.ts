import { describe, expect, it } from 'vitest';
import { ApimartHttpError, ApimartNetworkError, ApimartTimeoutError } from '../../src/services/apimart/errors.ts';
import { classifySubmitFailure } from '../../src/services/jobs/submitFailure.ts';

const ctx = { operation: 'submit' as const, method: 'POST', path: '/v1/videos/generations' };
const answer = (status: number, code: string | number, type: string, message = '', retryAfterMs?: number) =>
  new ApimartHttpError(ctx, { status, code, type, providerMessage: message, retryAfterMs });

describe('what a failed submit means for its job', () => {
  it('puts a 429 or a request that never left back in the queue', () => {
    expect(classifySubmitFailure(answer(429, 429, 'rate_limit_error', 'slow down', 1000))).toEqual({ kind: 'refused', retryAfterMs: 1000 });
    expect(classifySubmitFailure(new ApimartNetworkError(ctx, false, 'ECONNREFUSED', new Error('refused')))).toEqual({ kind: 'refused', retryAfterMs: undefined });
  });

  it.each([
    ['a bad request', answer(400, 400, 'invalid_request_error', 'duration must be 4, 8 or 12'), 'provider_rejected', false],
    ['a moderation block', answer(400, 400, 'moderation_blocked', 'blocked'), 'moderation', false],
    ['a refused key', answer(401, '', 'authentication_error', 'invalid API key'), 'provider_unavailable', false],
    ['apimart’s 503 model_not_found', answer(503, 'model_not_found', 'new_api_error', 'No available channel for model sora-2-preview under group default'), 'model_retired', true],
  ])('fails the job for %s, releasing its money', (_name, err, code, modelGone) => {
    expect(classifySubmitFailure(err)).toMatchObject({ kind: 'rejected', code, modelGone });
  });

  it('names the account problem so submissions stop', () => {
    expect(classifySubmitFailure(answer(402, 402, 'payment_required', 'insufficient balance'))).toMatchObject({ unavailableReason: 'HTTP 402 payment_required' });
  });

  it.each([
    ['any other 503', answer(503, 503, 'server_error', 'Service Unavailable')],
    ['a timeout', new ApimartTimeoutError(ctx, 30_000)],
    ['a connection reset after sending', new ApimartNetworkError(ctx, true, 'ECONNRESET', new Error('reset'))],
  ])('leaves the job to an admin after %s: it may exist at the provider', (_name, err) => {
    expect(classifySubmitFailure(err)).toEqual({ kind: 'unknown' });
  });
});
