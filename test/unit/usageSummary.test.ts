import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/db/job.ts';
import { jobFromRow, type JobRow } from '../../src/db/jobRow.ts';
import { budgetLines, fitLines, formatProviderUsd, historyEntry, reportWindow, shortPrompt } from '../../src/services/spend/usageSummary.ts';

const defaults = { userDailyMicros: 5_000_000, userMonthlyMicros: 50_000_000, guildDailyMicros: 0 };
const use = { userDayMicros: 1_200_000, userMonthMicros: 7_000_000, guildDayMicros: 3_000_000 };

describe('budgetLines', () => {
  it('resets the daily budget at the next UTC midnight and the monthly one at the next month', () => {
    const [daily, monthly] = budgetLines(defaults, undefined, use, Date.UTC(2024, 11, 31, 23, 59, 59, 999));
    expect(daily).toEqual({ scope: 'user_daily', limitMicros: 5_000_000, usedMicros: 1_200_000, remainingMicros: 3_800_000, resetsAt: Date.UTC(2025, 0, 1), overridden: false });
    expect(monthly).toMatchObject({ remainingMicros: 43_000_000, resetsAt: Date.UTC(2025, 0, 1) });
  });

  it('moves both reset times once the clock passes midnight on the first of the month', () => {
    const lines = budgetLines(defaults, undefined, use, Date.UTC(2025, 0, 1));
    expect(lines.map((l) => l.resetsAt)).toEqual([Date.UTC(2025, 0, 2), Date.UTC(2025, 1, 1)]);
  });

  it('resets a Feb 29 daily budget on Mar 1 in a leap year', () => {
    const [daily, monthly] = budgetLines(defaults, undefined, use, Date.UTC(2024, 1, 29, 12));
    expect([daily?.resetsAt, monthly?.resetsAt]).toEqual([Date.UTC(2024, 2, 1), Date.UTC(2024, 2, 1)]);
  });

  it('shows the server daily budget only when one is configured, and never a negative remainder', () => {
    expect(budgetLines(defaults, undefined, use, 0).map((l) => l.scope)).toEqual(['user_daily', 'user_monthly']);
    const lines = budgetLines({ ...defaults, guildDailyMicros: 2_000_000 }, undefined, use, 0);
    expect(lines[2]).toMatchObject({ scope: 'guild_daily', limitMicros: 2_000_000, remainingMicros: 0 });
  });

  it('prefers an override per budget, keeping the default for the other', () => {
    const [daily, monthly] = budgetLines(defaults, { dailyMicros: 10_000_000, monthlyMicros: null }, use, 0);
    expect(daily).toMatchObject({ limitMicros: 10_000_000, remainingMicros: 8_800_000, overridden: true });
    expect(monthly).toMatchObject({ limitMicros: 50_000_000, overridden: false });
  });

  it('reads a configured 0 as no limit but an override of 0 as nothing left', () => {
    const [daily, monthly] = budgetLines({ ...defaults, userMonthlyMicros: 0 }, { dailyMicros: 0, monthlyMicros: null }, use, 0);
    expect(daily).toMatchObject({ limitMicros: 0, remainingMicros: 0 });
    expect(monthly).toMatchObject({ limitMicros: null, remainingMicros: null });
  });
});

describe('reportWindow', () => {
  it.each([
    ['today', { fromMs: Date.UTC(2025, 2, 31), toMs: Date.UTC(2025, 3, 1) }],
    ['month', { fromMs: Date.UTC(2025, 2, 1), toMs: Date.UTC(2025, 3, 1) }],
    ['all', { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }],
  ] as const)('covers %s in UTC', (period, expected) => {
    expect(reportWindow(period, Date.UTC(2025, 2, 31, 23, 30))).toEqual(expected);
  });
});

const baseRow: JobRow = {
  id: 7, origin_key: 'o', parent_job_id: null, guild_id: '10', channel_id: '20', user_id: '30', locale: 'en-US',
  application_id: '1', interaction_token: null, interaction_at: 0, attachment_size_limit: 0, status: 'delivered',
  // A row from before the catalog had labels and sound: its settings are the old columns.
  request_json: JSON.stringify({ model: 'sora-2-preview', prompt: 'a fox', duration: 4, aspect_ratio: 'landscape' }),
  model: 'sora-2-preview', duration_sec: 4, aspect_ratio: 'landscape', resolution: null, image_url: null,
  image_name: null, estimate_micros: 400_000, cost_micros: 350_000, task_id: 't', progress: 100, estimated_time_sec: null,
  poll_errors: 0, submit_attempts: 1, next_attempt_at: null, confirm_deadline_at: null, video_url: 'https://cdn/v.mp4',
  video_expires_at: 2_000, status_message_id: '40', status_channel_id: '21', result_message_id: '50', result_post_started_at: null, failure_code: null, idempotency_key: 'key-7',
  failure_detail: null, delivery_attempts: 0, delivery_problem: null, image_orientation: null, status_deleted_at: null,
  created_at: 1_000, updated_at: 1_000, submitted_at: 1_000, completed_at: 1_500, finished_at: 1_600,
};
const job = (patch: Partial<JobRow> = {}): Job => jobFromRow({ ...baseRow, ...patch });

describe('historyEntry', () => {
  it('escapes a masked link in the prompt, so it never renders as a link under the bot’s name', () => {
    const entry = historyEntry(job({ request_json: JSON.stringify({ model: 'sora-2-preview', prompt: '[free](https://evil.example)', duration: 4, aspect_ratio: 'landscape' }) }), 0);
    expect(entry.prompt).toBe('\\[free](https://evil.example)');
  });

  it('carries what an old job asked for, its id standing in for the label it never had', () => {
    expect(historyEntry(job(), 0).settings).toEqual({
      model: 'sora-2-preview', modelLabel: 'sora-2-preview', durationSec: 4, aspectRatio: 'landscape', resolution: null, audio: null, imageUrl: null,
    });
  });

  it('links the video while its link lives, then the result message', () => {
    expect(historyEntry(job(), 1_999).link).toEqual({ kind: 'video', url: 'https://cdn/v.mp4' });
    expect(historyEntry(job(), 2_000).link).toEqual({ kind: 'result', url: 'https://discord.com/channels/10/21/50' });
  });

  it('links the status message of a job that has no result yet', () => {
    const entry = historyEntry(job({ status: 'submitted', cost_micros: null, video_url: null, result_message_id: null }), 0);
    expect(entry.link).toEqual({ kind: 'status', url: 'https://discord.com/channels/10/21/40' });
    expect(entry.cost).toEqual({ kind: 'reserved', micros: 400_000 });
  });

  it.each([
    ['delivered', 350_000, { kind: 'charged', micros: 350_000 }],
    ['failed', null, { kind: 'none' }],
    ['cancelled', null, { kind: 'none' }],
    ['expired', null, { kind: 'none' }],
    ['expired', 400_000, { kind: 'charged', micros: 400_000 }],
    ['submit_unknown', null, { kind: 'reserved', micros: 400_000 }],
  ] as const)('shows a %s job costing %s as %o', (status, cost, expected) => {
    expect(historyEntry(job({ status, cost_micros: cost }), 0).cost).toEqual(expected);
  });

  it('flattens, shortens and escapes the prompt', () => {
    const entry = historyEntry(job({ request_json: JSON.stringify({ prompt: 'a **bold**\nfox _with_ `code` and many more words after it' }) }), 0, 30);
    expect(entry.prompt).toBe('a \\*\\*bold\\*\\* fox \\_with\\_ \\`code\\`…');
  });
});

describe('shortPrompt', () => {
  it('keeps short prompts whole and never cuts an emoji in half', () => {
    expect(shortPrompt('  a   fox \n', 10)).toBe('a fox');
    expect(shortPrompt('🦊🦊🦊🦊🦊', 3)).toBe('🦊🦊…');
  });
});

describe('fitLines', () => {
  it('drops the lines that do not fit and says how many', () => {
    const text = fitLines('H', ['a'.repeat(10), 'b'.repeat(10), 'c'.repeat(10)], (n) => `+${n}`, 25);
    expect(text).toBe(`H\n${'a'.repeat(10)}\n+2`);
    expect(fitLines('H', ['x'], (n) => `+${n}`, 25)).toBe('H\nx');
  });
});

describe('formatProviderUsd', () => {
  it('shows provider decimals like every other amount', () => {
    expect([formatProviderUsd(12.5), formatProviderUsd(0), formatProviderUsd(0.123456789)]).toEqual(['$12.50', '$0.00', '$0.123457']);
  });
});
