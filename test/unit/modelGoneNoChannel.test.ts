import { describe, expect, it } from 'vitest';
import { ApimartHttpError } from '../../src/services/apimart/errors.ts';
import { isModelGoneAnswer } from '../../src/services/apimart/modelHealth.ts';

const ctx = { operation: 'submit' as const, method: 'POST', path: '/v1/videos/generations' };
const answer = (status: number, code: string | number | undefined, message: string, type = 'new_api_error') =>
  new ApimartHttpError(ctx, { status, type, providerMessage: message, code });

// apimart runs the new-api gateway: a model that no channel serves any more is a 503, which must not
// read as an outage (which would leave the job "outcome unknown" and its money reserved for an admin).
describe('apimart’s 503 for a model no channel serves', () => {
  it.each([
    ['503 model_not_found', answer(503, 'model_not_found', 'No available channel for model sora-2-preview under group default (distributor)')],
    ['503 with the message alone', answer(503, undefined, 'No available channel for model sora-2-preview under group vip')],
    ['503 in Chinese', answer(503, '', '分组 default 下模型 sora-2-preview 无可用渠道（distributor）')],
    ['404 model_not_found (new-api PR 6310)', answer(404, 'model_not_found', 'model sora-2 not found')],
    ['an error body with HTTP 200', answer(200, 'model_not_found', 'No available channel for model veo3.1-fast')],
  ])('recognises %s as the model being gone', (_name, err) => {
    expect(isModelGoneAnswer(err)).toBe(true);
  });

  it.each([
    ['a plain 503', answer(503, 503, 'Service Unavailable', 'server_error')],
    ['a 503 naming the model as overloaded', answer(503, 'upstream_error', 'model sora-2-preview is temporarily unavailable, try again', 'server_error')],
    ['a 503 get_channel_failed', answer(503, 'get_channel_failed', 'Please wait and try again later', 'apimart_error')],
    ['a 500 saying no channel', answer(500, 'server_error', 'No available channel for model x')],
  ])('leaves %s to the outage rules', (_name, err) => {
    expect(isModelGoneAnswer(err)).toBe(false);
  });
});
