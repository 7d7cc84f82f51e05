import { describe, expect, it } from 'vitest';
import { formatUsd, isUsdAmount, usdToMicros } from '../../src/money.ts';

describe('usdToMicros', () => {
  it.each([
    ['0.1', 100_000],
    [0.1, 100_000],
    [0.3, 300_000],
    [0.5, 500_000],
    [1.15, 1_150_000],
    ['1.000001', 1_000_001],
    [0.000001, 1],
    ['5', 5_000_000],
    [50, 50_000_000],
    ['0', 0],
    [0, 0],
    ['.5', 500_000],
    [' 2.50 ', 2_500_000],
    ['0.1000000', 100_000],
  ] as const)('converts %j exactly to %i micros', (usd, micros) => {
    expect(usdToMicros(usd)).toBe(micros);
  });

  it('sums to exact totals where floating point would drift', () => {
    const total = [0.1, 0.2, 0.3].map((usd) => usdToMicros(usd)).reduce((a, b) => a + b, 0);
    expect(total).toBe(600_000);
  });

  it.each([-1, '-0.5', Number.NaN, Number.POSITIVE_INFINITY, '', 'abc', '1,5', '1e3', '0x10', '.'])(
    'rejects %j with a RangeError',
    (usd) => {
      expect(() => usdToMicros(usd)).toThrow(RangeError);
    },
  );

  it.each(['0.0000001', 1e-7, 0.1234567])('rejects %j, finer than a micro-dollar, instead of rounding', (usd) => {
    expect(() => usdToMicros(usd)).toThrow(/at most 6 decimal places/);
  });

  it('rejects amounts beyond the safe integer range', () => {
    expect(() => usdToMicros(1e20)).toThrow(RangeError);
    expect(() => usdToMicros('99999999999999999')).toThrow(RangeError);
  });

  it('reports acceptability without throwing', () => {
    expect(isUsdAmount('0.30')).toBe(true);
    expect(isUsdAmount(-1)).toBe(false);
  });
});

describe('formatUsd', () => {
  it.each([
    [800_000, '$0.80'],
    [1_200_000, '$1.20'],
    [50_000, '$0.05'],
    [0, '$0.00'],
    [12_000_000, '$12.00'],
    [1_234, '$0.001234'],
    [1_234_500, '$1.2345'],
    [1, '$0.000001'],
    [-500_000, '-$0.50'],
  ])('formats %i micros as %s', (micros, text) => {
    expect(formatUsd(micros)).toBe(text);
  });

  it('round-trips with usdToMicros', () => {
    for (const usd of ['0.10', '1.25', '0.001234', '42.00']) {
      expect(usdToMicros(formatUsd(usdToMicros(usd)).slice(1))).toBe(usdToMicros(usd));
    }
  });

  it('rejects non-integer micros', () => {
    expect(() => formatUsd(0.5)).toThrow(RangeError);
  });
});
