import { describe, expect, it } from 'vitest';
import { unsafeSettings } from '../../src/services/operations/configWarnings.ts';

const capped = { botDailyBudgetMicros: 20_000_000, allowedGuildIds: [] as string[] };

describe('unsafeSettings', () => {
  it('flags a public bot without ALLOWED_GUILD_IDS, and one whose visibility Discord did not report', () => {
    expect(unsafeSettings(capped, { botPublic: true })).toEqual([
      { problem: 'any_server_may_use_bot', botPublic: true, fix: expect.stringContaining('Public Bot') },
    ]);
    expect(unsafeSettings(capped, { botPublic: null })).toEqual([
      { problem: 'any_server_may_use_bot', botPublic: 'unknown', fix: expect.stringContaining('ALLOWED_GUILD_IDS') },
    ]);
  });

  it('accepts a private bot, or a public one limited to named servers', () => {
    expect(unsafeSettings(capped, { botPublic: false })).toEqual([]);
    expect(unsafeSettings({ ...capped, allowedGuildIds: ['1200000000000000001'] }, { botPublic: true })).toEqual([]);
  });

  it('flags a bot-wide daily budget of 0 (no limit) whatever else is set, naming the setting that fixes it', () => {
    expect(unsafeSettings({ botDailyBudgetMicros: 0, allowedGuildIds: ['1200000000000000001'] }, { botPublic: false })).toEqual([
      { problem: 'no_bot_daily_budget', fix: expect.stringContaining('BOT_DAILY_BUDGET_USD') },
    ]);
  });
});
