import { describe, expect, it } from 'vitest';
import { balanceFailure, parseBudgetChange } from '../../src/commands/videoAdmin.ts';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { ApimartHttpError, ApimartNetworkError, ApimartResponseShapeError, ApimartTimeoutError } from '../../src/services/apimart/errors.ts';
import { renderReport } from '../../src/services/spend/usageText.ts';

const none = { dailyUsd: null, monthlyUsd: null, clear: null };

describe('parseBudgetChange', () => {
  it('sets only the amounts given, in micros', () => {
    expect(parseBudgetChange({ ...none, dailyUsd: 1.25 })).toEqual({ kind: 'set', dailyMicros: 1_250_000, monthlyMicros: null });
    expect(parseBudgetChange({ ...none, dailyUsd: 0, monthlyUsd: 30 })).toEqual({ kind: 'set', dailyMicros: 0, monthlyMicros: 30_000_000 });
  });

  it('shows the limits when nothing is given, and clears on clear', () => {
    expect(parseBudgetChange(none)).toEqual({ kind: 'show' });
    expect(parseBudgetChange({ ...none, clear: false })).toEqual({ kind: 'show' });
    expect(parseBudgetChange({ ...none, clear: true })).toEqual({ kind: 'clear' });
  });

  it.each([
    ['a negative amount', { ...none, dailyUsd: -1 }, '`daily_usd` must be'],
    ['more than six decimals', { ...none, monthlyUsd: 0.0000001 }, '`monthly_usd` must be'],
    ['clear with an amount', { ...none, clear: true, dailyUsd: 2 }, 'either `clear` or new amounts'],
  ])('rejects %s with a message naming what to change', (_name, options, says) => {
    const change = parseBudgetChange(options);
    if (change.kind !== 'invalid') throw new Error(`expected invalid, got ${change.kind}`);
    expect(change.message(en)).toContain(says);
    expect(change.message(ja).length).toBeGreaterThan(0);
  });
});

describe('balanceFailure', () => {
  const ctx = { operation: 'getBalance' as const, method: 'GET', path: '/v1/balance' };
  it('tells a refusal from an outage from a malformed answer, and leaves other errors alone', () => {
    expect(balanceFailure(new ApimartHttpError(ctx, { status: 401, providerMessage: 'bad key' }))).toEqual({ kind: 'refused', status: 401, detail: 'bad key' });
    expect(balanceFailure(new ApimartTimeoutError(ctx, 30_000))).toEqual({ kind: 'unreachable' });
    expect(balanceFailure(new ApimartNetworkError(ctx, false, 'ECONNREFUSED', undefined))).toEqual({ kind: 'unreachable' });
    expect(balanceFailure(new ApimartResponseShapeError(ctx, 200, 'no fields'))).toEqual({ kind: 'unexpected' });
    expect(balanceFailure(new TypeError('bug'))).toBeUndefined();
  });

  it('names the HTTP status only when it is an error status', () => {
    expect(en.admin.balanceFailed({ kind: 'refused', status: 401, detail: 'bad key' })).toContain('(HTTP 401): “bad key”');
    expect(en.admin.balanceFailed({ kind: 'refused', status: 200, detail: null })).not.toContain('HTTP');
  });
});

describe('renderReport', () => {
  it('stays within 2000 characters with many members and jobs, keeping the totals and the reconciliation list', () => {
    const users = Array.from({ length: 60 }, (_, i) => ({ userId: `15000000000000${String(i).padStart(5, '0')}`, spentMicros: 400_000, heldMicros: 0, jobs: 1 }));
    const attention = Array.from({ length: 30 }, (_, i) => ({
      jobId: i + 1, userId: '1500000000000000001', status: 'timed_out' as const, reservedMicros: 800_000,
      taskId: `task_01HXYZ${String(i).padStart(20, '0')}`, createdAt: Date.UTC(2025, 0, 1), resolvableAt: null,
    }));
    // Command mentions with real ids are the longest way to name the resolve command.
    const mention = (command: string, subcommand?: string) => `</${command}${subcommand ? ` ${subcommand}` : ''}:1234567890123456789>`;
    const text = renderReport(en, { period: 'month', users, attention }, mention);
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text).toContain('</video-admin resolve:1234567890123456789> `job:1` `outcome:billed`');
    expect(text).toContain('Total: **$24.00** spent, $0.00 reserved');
    expect(text).toContain("To reconcile with the provider's bill (30)");
    expect(text).toMatch(/…and \d+ more not shown\.\n\n\*\*To reconcile/);
    expect(text).toMatch(/…and \d+ more not shown\.$/);
  });
});
