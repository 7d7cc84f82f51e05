import { describe, expect, it } from 'vitest';
import { ApimartHttpError } from '../../src/services/apimart/errors.ts';
import { createModelHealth, isModelGoneAnswer } from '../../src/services/apimart/modelHealth.ts';
import { ceilingExceeded, overrideCeilings } from '../../src/services/spend/budgetCeilings.ts';
import { resolvableAt } from '../../src/services/spend/resolvable.ts';

const ctx = { operation: 'submit' as const, method: 'POST', path: '/v1/videos/generations' };
const refusal = (status: number, type: string, message: string, code?: string | number) =>
  new ApimartHttpError(ctx, { status, type, providerMessage: message, code: code ?? status });

describe('overrideCeilings', () => {
  it('bounds a daily override by the lower of the user and server daily budgets, ignoring 0 (no limit)', () => {
    expect(overrideCeilings({ userDailyBudgetMicros: 5_000_000, userMonthlyBudgetMicros: 50_000_000, guildDailyBudgetMicros: 0 }))
      .toEqual({ daily_usd: 5_000_000, monthly_usd: 50_000_000 });
    expect(overrideCeilings({ userDailyBudgetMicros: 5_000_000, userMonthlyBudgetMicros: 0, guildDailyBudgetMicros: 3_000_000 }))
      .toEqual({ daily_usd: 3_000_000, monthly_usd: null });
    expect(overrideCeilings({ userDailyBudgetMicros: 0, userMonthlyBudgetMicros: 0, guildDailyBudgetMicros: 0 }))
      .toEqual({ daily_usd: null, monthly_usd: null });
  });

  it('lets anything from zero up to the ceiling through, and names the first amount above it', () => {
    const ceilings = { daily_usd: 5_000_000, monthly_usd: 50_000_000 };
    expect(ceilingExceeded({ dailyMicros: 0, monthlyMicros: 50_000_000 }, ceilings)).toBeUndefined();
    expect(ceilingExceeded({ dailyMicros: null, monthlyMicros: null }, ceilings)).toBeUndefined();
    expect(ceilingExceeded({ dailyMicros: 5_000_001, monthlyMicros: null }, ceilings)).toEqual({ option: 'daily_usd', ceilingMicros: 5_000_000 });
    expect(ceilingExceeded({ dailyMicros: 1, monthlyMicros: 1e12 }, ceilings)).toEqual({ option: 'monthly_usd', ceilingMicros: 50_000_000 });
    expect(ceilingExceeded({ dailyMicros: 1e12, monthlyMicros: 1e12 }, { daily_usd: null, monthly_usd: null })).toBeUndefined();
  });
});

describe('isModelGoneAnswer', () => {
  it.each([
    ['apimart: unknown model', refusal(400, 'invalid_request_error', 'Invalid request parameters: model sora-legacy is not supported')],
    ['OpenAI style', refusal(404, 'invalid_request_error', 'The model `sora-2` does not exist', 'model_not_found')],
    ['a retired model', refusal(400, 'invalid_request_error', 'This model has been retired; use sora-3')],
    ['a code alone', refusal(422, 'model_retired', '')],
    ['an error body with HTTP 200', refusal(200, 'invalid_request_error', 'model not found', 404)],
  ])('recognises %s', (_name, err) => {
    expect(isModelGoneAnswer(err)).toBe(true);
  });

  it.each([
    ['a bad duration', refusal(400, 'invalid_request_error', 'duration must be 4, 8 or 12')],
    ['content rules', refusal(400, 'moderation_blocked', 'Your request was blocked by our moderation system.')],
    ['a revoked key', refusal(401, 'authentication_error', 'Invalid model access token')],
    ['no access to the model', refusal(403, 'permission_error', 'model not enabled for this key')],
    ['a server error', refusal(500, 'server_error', 'model backend unavailable')],
    ['not an HTTP refusal', new TypeError('model not found')],
  ])('leaves %s alone', (_name, err) => {
    expect(isModelGoneAnswer(err)).toBe(false);
  });
});

describe('createModelHealth', () => {
  it('turns a model off at the third answer in a row, once, and resets on an accepted submit', () => {
    let now = 1_000;
    const models = createModelHealth({ clock: { now: () => now } });
    expect(models.recordGone('a')).toEqual({ turnedOff: false, streak: 1 });
    models.recordAccepted('a');
    expect(models.recordGone('a').streak).toBe(1);
    expect(models.recordGone('b').streak).toBe(1);
    expect(models.recordGone('a').streak).toBe(2);
    now = 2_000;
    expect(models.recordGone('a')).toEqual({ turnedOff: true, streak: 3 });
    expect(models.recordGone('a').turnedOff).toBe(false);
    expect(models.isOff('a')).toBe(true);
    expect(models.isOff('b')).toBe(false);
    expect(models.turnedOff()).toEqual([{ model: 'a', since: 2_000 }]);
    expect(models.turnOnAll()).toEqual(['a']);
    expect(models.isOff('a')).toBe(false);
    expect(models.recordGone('a').streak).toBe(1);
  });
});

describe('resolvableAt', () => {
  const w = { jobTimeoutMs: 45 * 60_000, latePollWindowMs: 24 * 3_600_000 };
  it('lets an unknown submit be resolved at once, and a timed-out job only after its late-poll window', () => {
    const submittedAt = 1_000_000;
    const end = submittedAt + w.jobTimeoutMs + w.latePollWindowMs;
    expect(resolvableAt({ status: 'submit_unknown', submittedAt: null, updatedAt: 0 }, w, 0)).toBeNull();
    expect(resolvableAt({ status: 'timed_out', submittedAt, updatedAt: 0 }, w, end)).toBe(end);
    expect(resolvableAt({ status: 'timed_out', submittedAt, updatedAt: 0 }, w, end + 1)).toBeNull();
  });
});
