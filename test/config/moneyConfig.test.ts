import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { configProblems } from '../support/configProblems.ts';

const base = { DISCORD_TOKEN: 'discord-secret-token.abc123', APIMART_API_KEY: 'sk-apimart-secret-key-987' };

const problems = (env: Record<string, string>) => configProblems({ ...base, ...env });

describe('the money and trust settings', () => {
  it('reads the bot-wide daily budget, the allowed servers and the owners', () => {
    const config = loadConfig({ ...base, BOT_DAILY_BUDGET_USD: '25.5', ALLOWED_GUILD_IDS: '111, 222,111', OWNER_USER_IDS: '333' });
    expect(config.botDailyBudgetMicros).toBe(25_500_000);
    expect(config.allowedGuildIds).toEqual(['111', '222']);
    expect(config.ownerUserIds).toEqual(['333']);
  });

  it('names each bad one without quoting it', () => {
    const found = problems({ BOT_DAILY_BUDGET_USD: '-3', ALLOWED_GUILD_IDS: 'my-server', OWNER_USER_IDS: '@me' });
    expect(found).toEqual([
      'BOT_DAILY_BUDGET_USD: must be a non-negative USD amount with at most 6 decimals',
      'ALLOWED_GUILD_IDS: must be comma-separated Discord ids',
      'OWNER_USER_IDS: must be comma-separated Discord ids',
    ]);
  });

  it('documents each in .env.example', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const name of ['BOT_DAILY_BUDGET_USD', 'ALLOWED_GUILD_IDS', 'OWNER_USER_IDS']) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});
