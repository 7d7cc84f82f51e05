import { describe, expect, it } from 'vitest';
import { ApimartHttpError } from '../../src/services/apimart/errors.ts';
import { isModelGoneAnswer } from '../../src/services/apimart/modelHealth.ts';

const ctx = { operation: 'submit' as const, method: 'POST', path: '/v1/videos/generations' };
const refusal = (status: number, message: string) =>
  new ApimartHttpError(ctx, { status, type: 'invalid_request_error', providerMessage: message, code: status });

// Three of these in a row turn a model off for every server: a member must not be able to cause one
// with what they control (the reference image, the prompt), or three uploads shut the model for all.
describe('isModelGoneAnswer and what a member controls', () => {
  it.each([
    'The image is not supported by model sora-2-preview',
    'Unsupported image format for model sora-2-preview',
    'Invalid image_urls: this model does not support the reference image',
    'Prompt contains content not supported by this model',
    'This model does not support images of real people',
    'Invalid input for model sora-2-preview: file could not be downloaded from url',
  ])('leaves "%s" alone', (message) => {
    expect(isModelGoneAnswer(refusal(400, message))).toBe(false);
  });

  it('still recognises the model itself being gone', () => {
    expect(isModelGoneAnswer(refusal(400, 'Invalid request parameters: model sora-legacy is not supported'))).toBe(true);
    expect(isModelGoneAnswer(refusal(404, 'The model `sora-2` does not exist'))).toBe(true);
  });
});
