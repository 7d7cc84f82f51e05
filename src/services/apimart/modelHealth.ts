import type { Clock } from '../../clock.ts';
import { ApimartHttpError } from './errors.ts';
import { effectiveStatus } from './errorVerdicts.ts';

/** Consecutive "no such model" answers after which a model is turned off. */
export const modelGoneAnswersBeforeTurnOff = 3;

const GONE_CODES = /^(model_not_found|model_not_supported|model_retired|model_deprecated|model_unavailable|unknown_model|invalid_model)$/;
// A refusal that talks about what the member sent is about their request, whatever model it names.
const MEMBER_INPUT_TEXT = /(image|prompt|content|input|file|url|photo|picture|moderat|safety|polic)/;
const GONE_TEXT = /(not found|not exist|does not exist|doesn't exist|no longer|not supported|unsupported|retired|deprecated|decommissioned|discontinued|unknown|not available|unavailable|invalid)/;
/**
 * apimart runs the new-api gateway, which answers a model no enabled channel serves with 503 and
 * "No available channel for model X under group Y" (Chinese: "分组 Y 下模型 X 无可用渠道").
 */
const NO_CHANNEL_TEXT = /no available channels? for model|无可用渠道/;

/**
 * The provider refused a submit because the model itself is gone:
 * - a 400/404/410/422, or apimart's 503, whose code says so (`model_not_found`);
 * - a message saying no channel serves the model (apimart's 503, in English or Chinese);
 * - a 400/404/410/422 whose message names the model and says it does not exist or was retired (apimart
 *   answers an unknown model with 400 invalid_request_error, "model … is not supported").
 * Other refusals (bad duration, content rules, auth) are about the request or the account, and any
 * other 503 is an outage, not a verdict on the model.
 */
export function isModelGoneAnswer(err: unknown): boolean {
  if (!(err instanceof ApimartHttpError)) return false;
  const status = effectiveStatus(err);
  const code = String(err.code ?? '').toLowerCase();
  const type = (err.type ?? '').toLowerCase();
  const text = (err.providerMessage ?? '').toLowerCase();
  // An error body sent with HTTP 200 and a code that is no status: the code and text are all there is.
  const saysGone = GONE_CODES.test(code) || GONE_CODES.test(type) || NO_CHANNEL_TEXT.test(text);
  if (saysGone) return [200, 400, 404, 410, 422, 503].includes(status);
  if (![400, 404, 410, 422].includes(status)) return false;
  return /\bmodels?\b/.test(text) && GONE_TEXT.test(text) && !MEMBER_INPUT_TEXT.test(text);
}

/**
 * Models the provider keeps saying it does not have. After `threshold` such answers in a row (any
 * accepted submit resets the count) the model is turned off until restart or an admin's
 * `/video-admin resume`; `/video` then refuses it before reserving anything.
 */
export function createModelHealth(deps: { clock: Pick<Clock, 'now'>; threshold?: number }) {
  const threshold = deps.threshold ?? modelGoneAnswersBeforeTurnOff;
  const streaks = new Map<string, number>();
  const off = new Map<string, number>();
  return {
    isOff: (model: string) => off.has(model),
    /** True when this answer turned the model off. */
    recordGone(model: string): { turnedOff: boolean; streak: number } {
      const streak = (streaks.get(model) ?? 0) + 1;
      streaks.set(model, streak);
      if (streak < threshold || off.has(model)) return { turnedOff: false, streak };
      off.set(model, deps.clock.now());
      return { turnedOff: true, streak };
    },
    recordAccepted(model: string): void {
      streaks.delete(model);
    },
    turnedOff: () => [...off].map(([model, since]) => ({ model, since })),
    /** Exactly these models are off (as another host decided); the others are on again. */
    adoptTurnedOff(models: readonly { model: string; since: number }[]): void {
      const wanted = new Map(models.map((m) => [m.model, m.since]));
      for (const model of off.keys()) if (!wanted.has(model)) off.delete(model);
      for (const [model, since] of wanted) if (!off.has(model)) off.set(model, since);
    },
    /** Turns every model back on; returns the ones that were off. */
    turnOnAll(): string[] {
      const models = [...off.keys()];
      off.clear();
      for (const model of models) streaks.delete(model);
      return models;
    },
  };
}

export type ModelHealth = ReturnType<typeof createModelHealth>;
