import { describe, expect, it } from 'vitest';
import { unsafeSettings } from '../../src/services/operations/configWarnings.ts';

const capped = { botDailyBudgetMicros: 20_000_000, allowedGuildIds: [] as string[] };

describe('unsafeSettings', () => {
  it('flags a public bot without ALLOWED_GUILD_IDS, and one whose visibility Discord did not report', () => {
    expect(unsafeSettings(capped, { botPublic: true }).map((w) => w.problem)).toEqual([
      'any server may use the bot: the application is public and ALLOWED_GUILD_IDS is unset',
    ]);
    expect(unsafeSettings(capped, { botPublic: null }).map((w) => w.problem)).toEqual([
      'any server may use the bot if the application is public (Discord did not say) and ALLOWED_GUILD_IDS is unset',
    ]);
  });

  it('accepts a private bot, or a public one limited to named servers', () => {
    expect(unsafeSettings(capped, { botPublic: false })).toEqual([]);
    expect(unsafeSettings({ ...capped, allowedGuildIds: ['1200000000000000001'] }, { botPublic: true })).toEqual([]);
  });

  it('flags a bot-wide daily budget of 0 (no limit) whatever else is set, naming the setting that fixes it', () => {
    const [warning, ...rest] = unsafeSettings({ botDailyBudgetMicros: 0, allowedGuildIds: ['1200000000000000001'] }, { botPublic: false });
    expect(rest).toEqual([]);
    expect(warning!.problem).toMatch(/^no bot-wide daily cap/);
    expect(warning!.fix).toMatch(/BOT_DAILY_BUDGET_USD/);
  });
});
