import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTaskAnswer } from '../../src/services/apimart/taskAnswer.ts';
import { taskStatusResponseSchema, toTaskStatus } from '../../src/services/apimart/schemas.ts';

const clean = (text: string) => text;
/** What the bot makes of an answer: the zod schema (the specification) against the hand-written reader. */
const bySchema = (json: unknown) => {
  const parsed = taskStatusResponseSchema.safeParse(json);
  return parsed.success ? toTaskStatus('task_REQ', parsed.data.data, clean) : 'refused';
};
const byHand = (json: unknown) => {
  const data = readTaskAnswer(json);
  return data === undefined ? 'refused' : toTaskStatus('task_REQ', data, clean);
};

/** Values a hostile or sloppy provider might put anywhere. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.boolean(), fc.string(), fc.integer(), fc.double(),
  fc.constantFrom('42', '-3.5', '1e3', '', ' 7', '100%', 'NaN', 'Infinity', 'processing', 'completed', 'COMPLETED', 'in_progress'),
  fc.constantFrom(Infinity, -Infinity, Number.NaN, 1e300, -0),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxKeys: 3 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, anyValue);
const video = fc.record({
  url: maybe(fc.oneof(fc.webUrl(), fc.array(fc.oneof(fc.webUrl(), fc.string()), { maxLength: 3 }))),
  expires_at: maybe(fc.oneof(fc.integer({ min: 0 }), fc.constant('1900000000'))),
}, { requiredKeys: [] });
const data = fc.record({
  id: anyValue, task_id: anyValue,
  status: maybe(fc.constantFrom('pending', 'queued', 'submitted', 'processing', 'completed', 'failed', 'cancelled', 'weird')),
  progress: maybe(fc.oneof(fc.integer({ min: -10, max: 150 }), fc.constant('55'))),
  result: maybe(fc.record({ videos: maybe(fc.oneof(fc.array(maybe(video), { maxLength: 3 }), video)), thumbnail_url: anyValue }, { requiredKeys: [] })),
  estimated_time: anyValue, created: anyValue, completed: anyValue, actual_time: anyValue,
  error: maybe(fc.record({ code: anyValue, message: anyValue, type: anyValue, param: anyValue }, { requiredKeys: [] })),
  cost: maybe(fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant('0.8'))), credits_cost: anyValue,
  extra: anyValue,
}, { requiredKeys: [] });
const answer = fc.oneof(
  fc.record({ code: maybe(fc.constant(200)), data: maybe(data) }, { requiredKeys: [] }),
  anyValue,
  fc.jsonValue(),
);

describe('the hand-written reader of the status answer', () => {
  it('makes of every answer, hostile ones included, what the zod schema makes of it', () => {
    fc.assert(fc.property(answer, (json) => {
      expect(byHand(json)).toEqual(bySchema(json));
    }), { numRuns: 20_000, seed: 20_261_207 });
  });

  it('reads the documented answer and refuses one without a status', () => {
    const documented = { code: 200, data: { id: 'task_1', status: 'completed', progress: 100, cost: 0.8, result: { videos: [{ url: ['https://cdn.example/v.mp4'], expires_at: 1_900_000_000 }] } } };
    expect(byHand(documented)).toMatchObject({ taskId: 'task_1', state: 'completed', videoUrl: 'https://cdn.example/v.mp4', costMicros: 800_000 });
    expect(byHand({ code: 200, data: { id: 'task_1', progress: 10 } })).toBe('refused');
    expect(byHand([documented])).toBe('refused');
  });
});
