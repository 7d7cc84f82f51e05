import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import type { JobStore } from '../../src/db/jobStore.ts';
import { userDailySpendInGuildSql, userDailySpendSql } from '../../src/db/sqlite/spendStore.ts';
import { chartsEn, chartsJa } from '../../src/i18n/chartTexts.ts';
import { dailyBars, hasSpend, maxChartedMembers, memberBars, usageChartWindow } from '../../src/services/spend/chartData.ts';
import { chartPixelRatio, createChartRenderer, type ChartRenderer } from '../../src/services/spend/chartRenderer.ts';
import { chartRows, chartWidthPx, reportChartSpec, usageChartSpec, type ChartRow } from '../../src/services/spend/chartSpecs.ts';
import { createSpendCharts, fittedAltText } from '../../src/services/spend/spendCharts.ts';
import { decodePng } from '../support/pngImage.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../support/testDatabase.ts';
import { createAccepted, guildId, ledgerRows } from './storeFixtures.ts';

const dayMs = 86_400_000;
const now = Date.UTC(2026, 11, 2, 15, 0);
const today = Date.UTC(2026, 11, 2);
let db: TestDatabase;
let store: JobStore;
beforeEach(async () => {
  db = await openTestDatabase();
  store = db.stores.jobStore();
});
afterEach(() => db.close());

const clock = { now: () => now, setTimeout: () => ({ unref() {} }) as never, clearTimeout: () => undefined } as never;

/** A recording renderer: what the charts service asks to draw, without drawing it. */
function recordingRenderer(japanese: boolean): ChartRenderer & { specs: TopLevelSpec[] } {
  const specs: TopLevelSpec[] = [];
  return { specs, render: async (spec) => { specs.push(spec); return Buffer.from('png'); }, canDrawJapanese: async () => japanese };
}

const rowsOf = (spec: TopLevelSpec) => (spec as { data: { values: ChartRow[] } }).data.values;

/** A job created at `at`, then settled at `settle`, released, or left at the provider holding its reservation. */
async function jobAt(at: number, userId: string, end: { settle?: number; release?: boolean } = {}): Promise<void> {
  const job = await createAccepted(store, at, { userId });
  if (end.release) {
    await store.endBeforeSubmission(job.id, 'cancelled', 'cancelled', at);
    return;
  }
  expect((await store.claimForSubmission(100, at))?.id).toBe(job.id);
  await store.recordSubmitted(job.id, `task-${job.id}`, at);
  if (end.settle !== undefined) {
    await store.completeTask(job.id, { videoUrl: 'https://video.invalid/v.mp4', videoExpiresAt: null, costMicros: end.settle }, at);
  }
}

describe('the /usage chart data', () => {
  it('is the ledger summed per UTC day over the last 30 days, held reservations apart', async () => {
    await jobAt(today + 3_600_000, 'user-a', { settle: 350_000 });
    await jobAt(today + 7_200_000, 'user-a');
    await jobAt(today - 2 * dayMs + 1, 'user-a', { settle: 400_000 });
    await jobAt(today - 2 * dayMs + 5, 'user-a', { release: true });
    await jobAt(today - 29 * dayMs, 'user-a', { settle: 120_000 });
    await jobAt(today - 30 * dayMs, 'user-a', { settle: 999_000 });
    await jobAt(today, 'user-b', { settle: 777_000 });
    const charts = createSpendCharts({ store, clock, renderer: recordingRenderer(false) });
    const data = await charts.usageData({ userId: 'user-a' }, 5_000_000);

    expect(data.days).toHaveLength(30);
    expect(data.days[0]!.label).toBe('2026-11-03');
    expect(data.days[29]!.label).toBe('2026-12-02');
    // Each plotted day against the ledger itself.
    const { fromMs } = usageChartWindow(today);
    const ledger = (await ledgerRows(db.sql)).filter((r) => r.user_id === 'user-a' && r.period_at >= fromMs);
    const closed = new Set(ledger.filter((r) => r.kind !== 'reserve').map((r) => r.job_id));
    data.days.forEach((bar, i) => {
      const rows = ledger.filter((r) => Math.floor((r.period_at - fromMs) / dayMs) === i);
      const total = rows.reduce((sum, r) => sum + r.amount_micros, 0);
      const held = rows.filter((r) => !closed.has(r.job_id)).reduce((sum, r) => sum + r.amount_micros, 0);
      expect([bar.spentMicros, bar.reservedMicros], bar.label).toEqual([total - held, held]);
    });
    expect(data.days[29]).toEqual({ label: '2026-12-02', spentMicros: 350_000, reservedMicros: 400_000 });
    expect(data.days[27]).toEqual({ label: '2026-11-30', spentMicros: 400_000, reservedMicros: 0 });
    expect(data.days[0]).toEqual({ label: '2026-11-03', spentMicros: 120_000, reservedMicros: 0 });

    const spec = usageChartSpec(data, chartsEn);
    expect(rowsOf(spec).filter((r) => r.label === '2026-12-02')).toEqual([
      { label: '2026-12-02', kind: 'spent', usd: 0.35, order: 0 },
      { label: '2026-12-02', kind: 'reserved', usd: 0.4, order: 1 },
    ]);
    expect(JSON.stringify(spec)).toContain('"datum":5');
  });

  it("counts one server only for an admin's view of a member", async () => {
    await jobAt(today + 1_000, 'user-a', { settle: 350_000 });
    const other = await createAccepted(store, today + 2_000, { userId: 'user-a', guildId: '100000000000000009' });
    expect(other.guildId).toBe('100000000000000009');
    const charts = createSpendCharts({ store, clock, renderer: recordingRenderer(false) });
    expect((await charts.usageData({ userId: 'user-a' }, null)).days[29]).toEqual({ label: '2026-12-02', spentMicros: 350_000, reservedMicros: 400_000 });
    expect((await charts.usageData({ userId: 'user-a', guildId }, null)).days[29]).toEqual({ label: '2026-12-02', spentMicros: 350_000, reservedMicros: 0 });
  });

  it.skipIf(testEngine !== 'sqlite')('reads one member in one server with a range on a ledger index (SQLite)', () => {
    const plan = db.sqlite!.prepare(`EXPLAIN QUERY PLAN ${userDailySpendInGuildSql}`).all({ guildId, userId: 'u', fromMs: 0, toMs: 1, dayMs }) as { detail: string }[];
    expect(plan[0]?.detail).toMatch(/SEARCH l USING INDEX ledger_by_(guild|user) \((guild|user)_id=\? AND period_at>\? AND period_at<\?\)/);
  });

  it('plots empty days as zero', () => {
    expect(dailyBars([], usageChartWindow(today).fromMs).every((b) => b.spentMicros === 0 && b.reservedMicros === 0)).toBe(true);
  });

  it.skipIf(testEngine !== 'sqlite')('reads the days with a range on the ledger index (SQLite)', () => {
    const plan = db.sqlite!.prepare(`EXPLAIN QUERY PLAN ${userDailySpendSql}`).all({ userId: 'u', fromMs: 0, toMs: 1, dayMs }) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/SEARCH l USING (COVERING )?INDEX ledger_by_user \(user_id=\? AND period_at>\? AND period_at<\?\)/);
  });
});

describe('the report chart data', () => {
  const user = (userId: string, spentMicros: number, heldMicros = 0) => ({ userId, spentMicros, heldMicros, jobs: 1 });

  it('names members, biggest first, keeps namesakes apart and folds the rest into one bar', () => {
    const users = Array.from({ length: 14 }, (_, i) => user(`10000${String(i).padStart(2, '0')}`, (i + 1) * 100_000));
    const names = new Map([['1000013', 'Alice'], ['1000012', 'Alice']]);
    const bars = memberBars(users, names, chartsEn.others);
    expect(bars).toHaveLength(maxChartedMembers);
    expect(bars.slice(0, 3).map((b) => b.label)).toEqual(['Alice (…0013)', 'Alice (…0012)', '…000011']);
    expect(bars[5]).toEqual({ label: '9 other members', spentMicros: 4_500_000, reservedMicros: 0 });
    const sum = (list: { spentMicros: number }[]) => list.reduce((s, b) => s + b.spentMicros, 0);
    expect(sum(bars)).toBe(sum(users));
    expect(chartRows(bars, chartsJa)[0]).toEqual({ label: 'Alice (…0013)', kind: '利用', usd: 1.4, order: 0 });
  });

  it('draws Japanese labels only where a font has Japanese glyphs', async () => {
    const report = { period: 'month' as const, users: [user('1', 300_000, 100_000)], attention: [] };
    for (const [japanese, title] of [[true, chartsJa.reportTitle], [false, chartsEn.reportTitle]] as const) {
      const renderer = recordingRenderer(japanese);
      const file = await createSpendCharts({ store, clock, renderer }).report(report, new Map(), 'ja');
      expect(file?.name).toBe('spend-by-member.png');
      expect((renderer.specs[0] as { title: { text: string } }).title.text).toBe(title);
    }
    const renderer = recordingRenderer(true);
    expect(await createSpendCharts({ store, clock, renderer }).report({ ...report, users: [] }, new Map(), 'en-US')).toBeUndefined();
    expect(renderer.specs).toEqual([]);
  });
});

describe('rendering', () => {
  it('turns a spec into a PNG with the bars and the budget line drawn on a solid background', async () => {
    const fromMs = usageChartWindow(today).fromMs;
    const days = dailyBars([{ day: 29, totalMicros: 2_500_000, heldMicros: 800_000 }, { day: 3, totalMicros: 6_000_000, heldMicros: 0 }], fromMs);
    const renderer = createChartRenderer();
    const png = await renderer.render(usageChartSpec({ days, dailyLimitMicros: 5_000_000 }, chartsEn));
    const image = decodePng(png);
    expect(image.width).toBeGreaterThan(1000);
    expect(image.height).toBeGreaterThan(400);
    expect(image.colors).toContain('#313338ff');
    expect(image.colors).toContain('#5865f2ff');
    expect(image.colors).toContain('#a4abf9ff');
    expect(image.colors).toContain('#f0b232ff');
    expect([...image.colors].some((c) => c.endsWith('ff') === false)).toBe(false);

    const report = decodePng(await renderer.render(reportChartSpec({ members: [{ label: 'Alice', spentMicros: 1, reservedMicros: 0 }] }, 'all', chartsEn)));
    expect(report.colors).toContain('#5865f2ff');
    // The bundled Noto Sans JP draws Japanese on any machine, also one without a CJK font installed.
    expect(await renderer.canDrawJapanese()).toBe(true);
  }, 30_000);
});

/** Every font size a spec asks for, wherever it sits (titles, axes, legend, text marks). */
function fontSizes(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(fontSizes);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => (/fontsize$/i.test(key) && typeof v === 'number' ? [v] : fontSizes(v)));
}

describe('legibility in Discord', () => {
  /** Discord shows a picture about 550 px wide on a desktop and 340 px on a phone; its message text is 16 px. */
  const shownWidthsPx = [550, 340];
  const messageTextPx = 16;

  it('draws every word at least as large as Discord’s message text, on a desktop and on a phone', async () => {
    const fromMs = usageChartWindow(today).fromMs;
    const days = dailyBars([{ day: 29, totalMicros: 2_500_000, heldMicros: 800_000 }, { day: 3, totalMicros: 6_000_000, heldMicros: 0 }], fromMs);
    const members = memberBars(Array.from({ length: 9 }, (_, i) => ({ userId: String(i), spentMicros: (i + 1) * 100_000, heldMicros: 0, jobs: 1 })), new Map(), chartsJa.others);
    const renderer = createChartRenderer();
    for (const spec of [usageChartSpec({ days, dailyLimitMicros: 5_000_000 }, chartsEn), usageChartSpec({ days, dailyLimitMicros: null }, chartsJa),
      reportChartSpec({ members }, 'month', chartsEn), reportChartSpec({ members }, 'all', chartsJa)]) {
      const image = decodePng(await renderer.render(spec));
      const drawnWidthPx = image.width / chartPixelRatio;
      expect(drawnWidthPx).toBe(chartWidthPx);
      const smallest = Math.min(...fontSizes(spec));
      expect(smallest).toBeGreaterThan(0);
      for (const shownPx of shownWidthsPx) expect(smallest * (shownPx / drawnWidthPx)).toBeGreaterThanOrEqual(messageTextPx);
      // Discord shows a picture taller than wide smaller than its width allows: the report stays about square at most.
      expect(image.height / chartPixelRatio).toBeLessThanOrEqual(chartWidthPx * 1.1);
    }
  }, 60_000);

  it('draws no chart of empty days: 30 days without spend are a sentence in the text instead', async () => {
    const renderer = recordingRenderer(false);
    const charts = createSpendCharts({ store, clock, renderer });
    const empty = await charts.usageData({ userId: 'nobody' }, 5_000_000);
    expect(hasSpend(empty.days)).toBe(false);
    expect(await charts.usage(empty, 'en-US')).toBeUndefined();
    expect(renderer.specs).toEqual([]);
  });

  it('carries the numbers in the alt text: each day with spend, what is reserved, the budget, each member', async () => {
    await jobAt(today + 3_600_000, 'user-a', { settle: 350_000 });
    await jobAt(today + 7_200_000, 'user-a');
    await jobAt(today - 2 * dayMs + 1, 'user-a', { settle: 400_000 });
    const charts = createSpendCharts({ store, clock, renderer: recordingRenderer(true) });
    const usage = await charts.usage(await charts.usageData({ userId: 'user-a' }, 5_000_000), 'en-US');
    expect(usage?.description).toBe('Bar chart of the daily spend over the last 30 days (UTC); days without spend are left out. '
      + '2026-11-30: $0.40; 2026-12-02: $0.35 spent and $0.40 reserved. Daily budget: $5.00.');
    const ja = await charts.usage(await charts.usageData({ userId: 'user-a' }, null), 'ja');
    expect(ja?.description).toBe('過去30日（UTC）の1日ごとの利用額の棒グラフ。利用のない日は省略。2026-11-30: $0.40、2026-12-02: 利用 $0.35、予約 $0.40。');

    const report = { period: 'month' as const, attention: [], users: [{ userId: '1', spentMicros: 700_000, heldMicros: 400_000, jobs: 2 }, { userId: '2', spentMicros: 300_000, heldMicros: 0, jobs: 1 }] };
    const file = await charts.report(report, new Map([['1', 'Alice'], ['2', 'Bob']]), 'en-US');
    expect(file?.description).toBe('Bar chart of the spend by member in this server, this month (UTC): Alice: $0.70 spent and $0.40 reserved; Bob: $0.30.');
  });

  it('keeps the alt text within Discord’s 1024 characters, dropping the oldest days first and saying how many', () => {
    const bars = Array.from({ length: 30 }, (_, i) => ({ label: `2026-11-${String(i + 1).padStart(2, '0')}`, spentMicros: 12_345_678, reservedMicros: 1_000_000 }));
    const alt = fittedAltText(bars, (shown, omitted) => chartsEn.usageAlt(shown, 5_000_000, omitted), 'first');
    expect(alt.length).toBeLessThanOrEqual(1024);
    expect(alt).toMatch(/\d+ earlier days not listed\./);
    expect(alt).toContain('2026-11-30: $12.345678 spent and $1.00 reserved. Daily budget: $5.00.');
    expect(alt).not.toContain('2026-11-01:');
  });
});
