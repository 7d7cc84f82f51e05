import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { variables } from '../../src/configVariables.ts';

const shipped = parse(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8'));
const secrets = { DISCORD_TOKEN: 'discord-token', APIMART_API_KEY: 'apimart-key' };
const asFilledIn = { ...shipped, ...secrets };

describe('.env.example, as README says to use it', () => {
  it('documents exactly the variables the bot reads', () => {
    expect(Object.keys(shipped).sort()).toEqual(Object.keys(variables).sort());
  });

  it('ships the two secrets blank, for the operator to fill in', () => {
    expect(shipped.DISCORD_TOKEN).toBe('');
    expect(shipped.APIMART_API_KEY).toBe('');
  });

  it('is a valid configuration once the two secrets are filled in', () => {
    const config = loadConfig(asFilledIn);
    expect(config.shards).toBe('auto');
    expect(config.shardProcess).toBeUndefined();
  });

  it('ships a bot-wide daily cap', () => {
    expect(loadConfig(asFilledIn).botDailyBudgetMicros).toBeGreaterThan(0);
  });

  it.each(Object.keys(shipped).filter((name) => !(name in secrets)))('accepts %s left blank (its default applies)', (name) => {
    expect(() => loadConfig({ ...asFilledIn, [name]: '' })).not.toThrow();
  });
});
